// Shared by the fuzz targets: how a broken invariant is reported, and how a target starts libFuzzer.

import CFuzzDriver

/// Stops the fuzzer on a broken invariant. libFuzzer treats the trap as a crash and saves the input as
/// `crash-<sha1>`; the message says which invariant broke. It names no input content.
public func require(_ condition: Bool, _ invariant: @autoclosure () -> String) {
    guard condition else {
        fatalError("invariant broken: \(invariant())")
    }
}

/// The fuzzer's input as an array.
public func fuzzInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> [UInt8] {
    guard let data, size > 0 else { return [] }
    return Array(UnsafeBufferPointer(start: data, count: size))
}

/// Runs libFuzzer with the process's arguments on `test` (each target's `<Module>_main` calls this).
public func runFuzzer(
    _ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
    _ test: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments, test)
}

/// Where two byte arrays first differ, and their lengths, for an invariant's message (offsets only, no content).
public func firstDifference(_ left: [UInt8], _ right: [UInt8]) -> String {
    let offset = zip(left, right).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(left.count, right.count)
    return "first difference at byte \(offset) of \(left.count) / \(right.count)"
}
