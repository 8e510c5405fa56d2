#!/usr/bin/env python3
"""Builds the clinical speech model for the embedded PocketSphinx engine (issue 17): a trigram language model and the
pronunciation dictionary of its vocabulary, written to models/speech/.

Sources (named in models/speech/SOURCE.md, which this script writes):
  - ACI-Bench, challenge_data train split (wyim/aci-bench, CC BY 4.0): the dialogues and the clinicians' notes;
  - MTS-Dialog, Main-Dataset training set (abachaa/MTS-Dialog, CC BY 4.0): the dialogue snippets and their note
    sections;
  - MTSamples, the development split of ../shared/eval (mtsamples.csv, CC0 as listed): dictated office-visit notes,
    for dictation wording (--no-mtsamples leaves them out);
  - the general-English unigram distribution of Debian's pocketsphinx-en-us language model (en-us.lm.bin, BSD-style
    CMU Sphinx licence), read back with sphinx_lm_convert, mixed into the unigram level so that everyday words the
    clinical corpora lack keep a probability;
  - the medication and problem words of the note engine's lexicon (Sources/Scribe/ClinicalLexicon.swift, written for
    the project), so that drugs the corpora never name are in the vocabulary.
The test transcripts of samples/audio/ are never read: the word error rate is measured on text the model has not seen.

Estimation (written here, no toolkit): interpolated Kneser-Ney with one absolute discount per order
(D = n1 / (n1 + 2 n2), Chen & Goodman 1998), continuation counts for the lower orders, and a count cutoff for
trigrams; written as an ARPA back-off model (the interpolated probability for every kept n-gram, the interpolation
weight of its history as back-off weight, so the model sums to one), then converted to PocketSphinx's binary format
with sphinx_lm_convert (Debian sphinxbase-utils).

Pronunciations: Debian's cmudict-en-us.dict (from the same model package) for every word it has, with all its
variants; otherwise espeak-ng's IPA for the word mapped to the CMU phone set (mapping below).

Usage: scripts/build-speech-model.py [--eval ../shared/eval] [--out models/speech]
Needs: python3, espeak-ng, sphinxbase-utils (sphinx_lm_convert), pocketsphinx-en-us. Deterministic: the same inputs
give the same files.
"""

import argparse
import collections
import concurrent.futures
import csv
import hashlib
import json
import math
import os
import re
import subprocess
import sys
import tempfile

STOCK = "/usr/share/pocketsphinx/model/en-us"
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# --- text normalisation (the same rules as Benchmarks/audio/wer.py) ----------------------------------------------

ONES = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
        "seventeen eighteen nineteen").split()
TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
UNITS = {"mg": "milligrams", "mcg": "micrograms", "kg": "kilograms", "ml": "milliliters", "cm": "centimeters",
         "mm": "millimeters", "lbs": "pounds", "lb": "pounds", "%": "percent"}


def number_words(n):
    """An integer below a million as spoken ('one hundred twenty', 'two thousand five')."""
    if n < 20:
        return [ONES[n]]
    if n < 100:
        return [TENS[n // 10]] + ([ONES[n % 10]] if n % 10 else [])
    if n < 1000:
        return [ONES[n // 100], "hundred"] + (number_words(n % 100) if n % 100 else [])
    if n < 1_000_000:
        return number_words(n // 1000) + ["thousand"] + (number_words(n % 1000) if n % 1000 else [])
    return [ONES[int(d)] for d in str(n)]


def spoken_number(text):
    whole, _, fraction = text.partition(".")
    words = number_words(int(whole)) if whole else ["zero"]
    if fraction:
        words += ["point"] + [ONES[int(d)] for d in fraction]
    return words


TOKEN = re.compile(r"\d+(?:\.\d+)?|[A-Za-z][A-Za-z']*|%|[.?!;:]")


def sentences(text):
    """Lower-case word lists, one per sentence: numbers spoken, units spelled, acronyms (2-5 capitals) as letters,
    hyphens and slashes as word breaks, bracketed speaker tags dropped."""
    text = re.sub(r"\[[a-z_ ]+\]|^\s*(doctor|patient|guest_family|guest_clinician)\s*:", " ", text,
                  flags=re.IGNORECASE | re.MULTILINE)
    text = re.sub(r"(?<=\d),(?=\d{3})", "", text)
    text = re.sub(r"(?<=\d)/(?=\d)", " over ", text)
    text = text.replace("-", " ").replace("/", " ")
    out, current = [], []
    for token in TOKEN.findall(text):
        if token in ".?!;:":
            if current:
                out.append(current)
            current = []
        elif token[0].isdigit():
            current += spoken_number(token) if len(token.split(".")[0]) <= 6 else [ONES[int(d)] for d in token if d.isdigit()]
        elif token == "%":
            current.append("percent")
        elif 2 <= len(token) <= 5 and token.isupper() and token.isalpha():
            current += list(token.lower())
        else:
            word = token.lower().strip("'")
            if word in UNITS and current and current[-1] in set(ONES + TENS + ["hundred", "thousand"]):
                current.append(UNITS[word])
            elif word:
                current.append(word)
    if current:
        out.append(current)
    return out


# --- corpora ------------------------------------------------------------------------------------------------------


def corpus(eval_dir, mtsamples):
    texts = []
    if mtsamples:
        with open(os.path.join(eval_dir, "mtsamples", "dev.jsonl"), encoding="utf-8") as handle:
            for line in handle:
                texts.append(json.loads(line)["reference_note"])
    with open(os.path.join(eval_dir, "aci-bench", "train.jsonl"), encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            texts += [record["transcript"], record["reference_note"]]
    with open(os.path.join(eval_dir, "mts-dialog", "MTS-Dialog-TrainingSet.csv"), encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            texts += [row["dialogue"], row["section_text"]]
    return [s for text in texts for s in sentences(text)]


def lexicon_words():
    """The medication and problem words of the note engine's lexicon (string literals of two arrays)."""
    path = os.path.join(REPO, "Sources", "Scribe", "ClinicalLexicon.swift")
    source = open(path, encoding="utf-8").read()
    words = set()
    for name in ("medications", "problems"):
        match = re.search(r"static let " + name + r": \[String\] = \[(.*?)\n    \]", source, re.S)
        if match:
            for literal in re.findall(r'"([^"]+)"', match.group(1)):
                for sentence in sentences(literal):
                    words.update(sentence)
    return words


def stock_unigrams():
    """log10 unigram probabilities of the stock model (sphinx_lm_convert writes the unigrams before it stops on
    this trie file's bigrams, a known assertion in sphinxbase 5prealpha; only the unigrams are used)."""
    with tempfile.TemporaryDirectory() as folder:
        arpa = os.path.join(folder, "stock.arpa")
        subprocess.run(["sphinx_lm_convert", "-i", os.path.join(STOCK, "en-us.lm.bin"), "-o", arpa, "-ofmt", "arpa"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        probabilities, inside = {}, False
        with open(arpa, encoding="utf-8", errors="replace") as handle:
            for line in handle:
                if line.startswith("\\1-grams:"):
                    inside = True
                elif line.startswith("\\2-grams:") or (inside and not line.strip()):
                    break
                elif inside:
                    parts = line.split()
                    if len(parts) >= 2 and not parts[1].startswith("<"):
                        probabilities[parts[1]] = float(parts[0])
    if len(probabilities) < 50_000:
        sys.exit("build-speech-model: could not read the stock unigrams")
    return probabilities


# --- pronunciations -----------------------------------------------------------------------------------------------

IPA_TO_CMU = [  # longest first
    ("aɪə", "AY ER"), ("aɪɚ", "AY ER"), ("eɪ", "EY"), ("aɪ", "AY"), ("ɔɪ", "OY"), ("aʊ", "AW"), ("oʊ", "OW"),
    ("əʊ", "OW"), ("tʃ", "CH"), ("dʒ", "JH"), ("ɜː", "ER"), ("ɝ", "ER"), ("ɚ", "ER"), ("ɑːɹ", "AA R"),
    ("ɔːɹ", "AO R"), ("iə", "IY AH"), ("ɪɹ", "IH R"), ("ɛɹ", "EH R"), ("ʊɹ", "UH R"), ("ə", "AH"), ("ʌ", "AH"),
    ("ɐ", "AH"), ("æ", "AE"), ("ɑː", "AA"), ("ɑ", "AA"), ("ɒ", "AA"), ("ɔː", "AO"), ("ɔ", "AO"), ("ɪ", "IH"),
    ("ᵻ", "IH"), ("iː", "IY"), ("i", "IY"), ("ʊ", "UH"), ("uː", "UW"), ("u", "UW"), ("ɛ", "EH"), ("e", "EH"),
    ("ɜ", "ER"), ("oː", "OW"), ("o", "OW"), ("a", "AE"), ("θ", "TH"), ("ð", "DH"), ("ʃ", "SH"), ("ʒ", "ZH"),
    ("ŋ", "NG"), ("ɹ", "R"), ("r", "R"), ("j", "Y"), ("ɾ", "T"), ("ʔ", "T"), ("ɡ", "G"), ("g", "G"), ("ɫ", "L"),
    ("l", "L"), ("w", "W"), ("h", "HH"), ("m", "M"), ("n", "N"), ("p", "P"), ("b", "B"), ("t", "T"), ("d", "D"),
    ("k", "K"), ("f", "F"), ("v", "V"), ("s", "S"), ("z", "Z"), ("x", "K"),
]


def ipa_to_cmu(ipa):
    ipa = re.sub(r"[ˈˌ\u0329\u0325\u02de]", "", ipa)
    phones, i = [], 0
    while i < len(ipa):
        for symbol, cmu in IPA_TO_CMU:
            if ipa.startswith(symbol, i):
                phones += cmu.split()
                i += len(symbol)
                break
        else:
            i += 1  # length marks, ties and anything unknown
    return phones


def espeak_pronunciation(word):
    result = subprocess.run(["espeak-ng", "-q", "-v", "en-us", "--ipa", word], capture_output=True, text=True)
    phones = ipa_to_cmu(result.stdout.strip().replace(" ", ""))
    return " ".join(phones) if phones else None


def stock_dictionary():
    entries = collections.defaultdict(list)
    with open(os.path.join(STOCK, "cmudict-en-us.dict"), encoding="utf-8") as handle:
        for line in handle:
            parts = line.split()
            if len(parts) >= 2:
                entries[re.sub(r"\(\d+\)$", "", parts[0])].append(" ".join(parts[1:]))
    return entries


# --- Kneser-Ney trigram -------------------------------------------------------------------------------------------


def kneser_ney(sentences_, vocabulary, general, general_weight, trigram_cutoff):
    """Returns {order: {ngram tuple: (log10 prob, log10 backoff or None)}}."""
    counts = [None, collections.Counter(), collections.Counter(), collections.Counter()]
    for sentence in sentences_:
        words = ["<s>"] + [w if w in vocabulary else "<unk>" for w in sentence] + ["</s>"]
        for n in (1, 2, 3):
            for i in range(len(words) - n + 1):
                counts[n][tuple(words[i:i + n])] += 1
    # Continuation counts for the lower orders: the number of distinct words that precede.
    continuation = [None, collections.Counter(), collections.Counter()]
    for (a, b, c) in counts[3]:
        continuation[2][(b, c)] += 1
    for (a, b) in counts[2]:
        continuation[1][(b,)] += 1

    def discount(counter):
        n1 = sum(1 for v in counter.values() if v == 1)
        n2 = sum(1 for v in counter.values() if v == 2)
        return n1 / (n1 + 2 * n2) if n1 and n2 else 0.5

    model = {1: {}, 2: {}, 3: {}}
    # Unigrams: continuation distribution (discounted), its mass spread over the vocabulary, mixed with general English.
    d1 = discount(continuation[1])
    total1 = sum(continuation[1].values())
    unigram_words = sorted(vocabulary | {"</s>", "<unk>"})
    kept = {w: continuation[1][(w,)] for w in unigram_words if continuation[1][(w,)] > 0}
    left = 1.0 - sum(max(c - d1, 0) for c in kept.values()) / total1
    clinical = {w: max(kept.get(w, 0) - d1, 0) / total1 + left / len(unigram_words) for w in unigram_words}
    general_mass = {w: 10 ** general[w] for w in unigram_words if w in general}
    general_total = sum(general_mass.values())
    p1 = {}
    for w in unigram_words:
        mixed = (1 - general_weight) * clinical[w] + general_weight * general_mass.get(w, 0) / general_total
        p1[w] = mixed
    norm = sum(p1.values())
    p1 = {w: p / norm for w, p in p1.items()}
    p1["<s>"] = 0.0

    def lower_prob(ngram):
        if len(ngram) == 1:
            return p1.get(ngram[0], p1["<unk>"])
        return model2_prob(ngram)

    # Bigrams: continuation counts from trigrams (KN lower order), interpolated with the unigrams.
    d2 = discount(continuation[2])
    history2 = collections.defaultdict(lambda: [0, 0])  # total continuation, distinct followers
    for (a, b), c in continuation[2].items():
        history2[(a,)][0] += c
        history2[(a,)][1] += 1
    # Histories that start a sentence have no left context: use raw bigram counts for them.
    for (a, b), c in counts[2].items():
        if a == "<s>":
            history2[(a,)][0] += c
            history2[(a,)][1] += 1
    bigram_count = {}
    for (a, b), c in continuation[2].items():
        bigram_count[(a, b)] = c
    for (a, b), c in counts[2].items():
        if a == "<s>":
            bigram_count[(a, b)] = c
    gamma2 = {h: d2 * distinct / total for h, (total, distinct) in history2.items()}

    def model2_prob(ngram):
        (a, b) = ngram
        total, _ = history2.get((a,), (0, 0))
        if total == 0:
            return p1.get(b, p1["<unk>"])
        c = bigram_count.get((a, b), 0)
        return max(c - d2, 0) / total + gamma2[(a,)] * p1.get(b, p1["<unk>"])

    # Trigrams: raw counts, cutoff, interpolated with the bigrams.
    d3 = discount(counts[3])
    history3 = collections.defaultdict(lambda: [0, 0.0])  # count of the history, kept discounted mass
    for (a, b, c), n in counts[3].items():
        history3[(a, b)][0] += n
    kept3 = {g: n for g, n in counts[3].items() if n >= trigram_cutoff}
    for (a, b, c), n in kept3.items():
        history3[(a, b)][1] += (n - d3)
    gamma3 = {h: 1.0 - mass / total for h, (total, mass) in history3.items()}

    for w in unigram_words + ["<s>"]:
        model[1][(w,)] = [p1[w], None]
    for (a, b) in bigram_count:
        model[2][(a, b)] = [model2_prob((a, b)), None]
    for (a, b, c), n in kept3.items():
        model[3][(a, b, c)] = [(n - d3) / history3[(a, b)][0] + gamma3[(a, b)] * model2_prob((b, c)), None]
    # Back-off weights: the interpolation weight of each history that has followers at the next order.
    for h, weight in gamma2.items():
        if h in model[1]:
            model[1][h][1] = weight
    for h, weight in gamma3.items():
        if h in model[2]:
            model[2][h][1] = weight
    return model, (d1, d2, d3)


def write_arpa(model, path):
    with open(path, "w", encoding="utf-8") as out:
        out.write("\\data\\\n")
        for n in (1, 2, 3):
            out.write(f"ngram {n}={len(model[n])}\n")
        for n in (1, 2, 3):
            out.write(f"\n\\{n}-grams:\n")
            for ngram in sorted(model[n]):
                p, backoff = model[n][ngram]
                logp = math.log10(p) if p > 0 else -99.0
                line = f"{logp:.6f}\t{' '.join(ngram)}"
                if backoff is not None and n < 3:
                    line += f"\t{math.log10(backoff) if backoff > 0 else -99.0:.6f}"
                out.write(line + "\n")
        out.write("\n\\end\\\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--eval", default=os.path.join(REPO, "..", "shared", "eval"))
    parser.add_argument("--out", default=os.path.join(REPO, "models", "speech"))
    parser.add_argument("--min-count", type=int, default=1, help="corpus count for a word to enter the vocabulary")
    parser.add_argument("--trigram-cutoff", type=int, default=2, help="least count of a trigram kept")
    parser.add_argument("--general-weight", type=float, default=0.2, help="weight of general English unigrams")
    parser.add_argument("--mtsamples", action=argparse.BooleanOptionalAction, default=True,
                        help="add the dictated notes of MTSamples (dev.jsonl) to the clinical text")
    parser.add_argument("--general-words", type=int, default=10000, help="most frequent general words added")
    options = parser.parse_args()
    eval_dir = os.path.abspath(options.eval)

    text = corpus(eval_dir, options.mtsamples)
    word_counts = collections.Counter(w for s in text for w in s)
    general = stock_unigrams()
    cmudict = stock_dictionary()
    vocabulary = {w for w, c in word_counts.items() if c >= options.min_count}
    vocabulary |= lexicon_words()
    top_general = sorted((w for w in general if re.fullmatch(r"[a-z][a-z']*", w)), key=lambda w: -general[w])
    vocabulary |= set(top_general[:options.general_words])
    vocabulary = {w for w in vocabulary if re.fullmatch(r"[a-z][a-z']*", w)}

    # Pronunciations: the stock dictionary, else espeak-ng; a word without one leaves the vocabulary.
    pronunciations = {w: cmudict[w] for w in vocabulary if w in cmudict}
    missing = sorted(vocabulary - set(pronunciations))
    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        for word, phones in zip(missing, pool.map(espeak_pronunciation, missing)):
            if phones:
                pronunciations[word] = [phones]
    vocabulary = set(pronunciations)

    model, discounts = kneser_ney(text, vocabulary, general, options.general_weight, options.trigram_cutoff)
    os.makedirs(options.out, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        arpa = os.path.join(folder, "clinical-en-us.arpa")
        write_arpa(model, arpa)
        binary = os.path.join(options.out, "clinical-en-us.lm.bin")
        subprocess.run(["sphinx_lm_convert", "-i", arpa, "-o", binary, "-ofmt", "bin"], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with open(os.path.join(options.out, "clinical-en-us.dict"), "w", encoding="utf-8") as out:
        for word in sorted(pronunciations):
            for i, phones in enumerate(pronunciations[word]):
                out.write(f"{word if i == 0 else f'{word}({i + 1})'} {phones}\n")

    def digest(path):
        return hashlib.sha256(open(path, "rb").read()).hexdigest()[:16]

    corpus_words = sum(len(s) for s in text)
    summary = {
        "sentences": len(text), "corpus words": corpus_words, "vocabulary": len(vocabulary),
        "from espeak-ng": len([w for w in missing if w in pronunciations]),
        "unigrams": len(model[1]), "bigrams": len(model[2]), "trigrams": len(model[3]),
        "discounts": [round(d, 3) for d in discounts],
    }
    with open(os.path.join(options.out, "SOURCE.md"), "w", encoding="utf-8") as out:
        out.write(f"""# Clinical speech model (PocketSphinx), generated

Generated by `scripts/build-speech-model.py` (options: min count {options.min_count}, trigram cutoff \
{options.trigram_cutoff}, general-English unigram weight {options.general_weight}, {options.general_words} general \
words); do not edit by hand. The acoustic model stays Debian's `pocketsphinx-en-us` (`en-us`).

| file | what |
|---|---|
| `clinical-en-us.lm.bin` | trigram language model, interpolated Kneser-Ney, PocketSphinx binary format (sha256 \
{digest(os.path.join(options.out, 'clinical-en-us.lm.bin'))}…) |
| `clinical-en-us.dict` | pronunciations of its vocabulary in the CMU phone set (sha256 \
{digest(os.path.join(options.out, 'clinical-en-us.dict'))}…) |

Sources and licences:
- ACI-Bench, challenge_data `train` split (github.com/wyim/aci-bench), dialogues and notes: CC BY 4.0.
  Ben Abacha, Yim, Adams, Snider, Yetisgen: "ACI-BENCH: a Novel Ambient Clinical Intelligence Dataset for
  Benchmarking Automatic Visit Note Generation", Scientific Data 10, 586 (2023).
- MTS-Dialog, Main-Dataset `MTS-Dialog-TrainingSet.csv` (github.com/abachaa/MTS-Dialog): CC BY 4.0.
  Ben Abacha, Yim, Fan, Lin: "An Empirical Study of Clinical Note Generation from Doctor-Patient Encounters",
  EACL 2023.
- MTSamples (mtsamples.com transcription samples, as collected in `mtsamples.csv`), the `dev.jsonl` split of the
  project's evaluation folder, the original notes (`reference_note`): CC0 as listed by the collection; included:
  {"yes" if options.mtsamples else "no"}.
- Unigram frequencies of general English and the pronunciations of known words: Debian `pocketsphinx-en-us`
  (`en-us.lm.bin`, `cmudict-en-us.dict`), CMU Sphinx, BSD-style licence.
- Medication and problem words: `Sources/Scribe/ClinicalLexicon.swift` (this project).
- Pronunciations of the other words: espeak-ng 1.51 (GPL-3; its output, not its code) mapped to CMU phones.

The corpora are used as text to count word sequences; the model holds n-gram probabilities, not the texts. The
word error rate test transcripts (`samples/audio/transcripts/`) are not among the sources.

Figures: {json.dumps(summary)}
""")
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
