"""Reading HL7 v2 sample files as single messages, shared by the integration tests and the benchmarks."""


def split_messages(data: bytes) -> list:
    """The messages of a file (one message, messages back to back, or a batch), batch envelopes dropped,
    segment terminators normalised to CR."""
    data = data.replace(b"\r\n", b"\r").replace(b"\n", b"\r")
    messages, current = [], []
    for segment in data.split(b"\r"):
        if not segment:
            continue
        if segment.startswith(b"MSH"):
            if current:
                messages.append(b"\r".join(current) + b"\r")
            current = [segment]
        elif segment[:3] in (b"FHS", b"BHS", b"BTS", b"FTS"):
            continue
        elif current:
            current.append(segment)
    if current:
        messages.append(b"\r".join(current) + b"\r")
    return messages
