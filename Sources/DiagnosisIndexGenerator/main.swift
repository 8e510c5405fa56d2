// Writes Sources/Terminology/Generated/DiagnosisIndexData.swift: the diagnosis index tables that
// `DiagnosisIndex.tables(of:)` builds from the embedded ICD-10-CM code set, encoded. Run by
// scripts/build_diagnosis_index.sh; `DiagnosisIndexDataTests` fails when the committed file differs.

import Foundation
import Terminology

let arguments = CommandLine.arguments.dropFirst()
guard arguments.count == 1, let path = arguments.first else {
    FileHandle.standardError.write(Data("usage: DiagnosisIndexGenerator OUTPUT.swift\n".utf8))
    exit(2)
}
let source = DiagnosisIndex.generatedSource(codeSet: .shared)
do {
    try Data(source.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
    FileHandle.standardError.write(Data("DiagnosisIndexGenerator: \(source.utf8.count) bytes -> \(path)\n".utf8))
} catch {
    FileHandle.standardError.write(Data("DiagnosisIndexGenerator: cannot write \(path): \(error)\n".utf8))
    exit(1)
}
