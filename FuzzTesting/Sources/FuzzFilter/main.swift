@testable import SockDiag

/// The filter language: ss's filter text through `FilterParser`, the expression through `BytecodeCompiler`; every
/// program the inspector would send must pass the kernel's audit (`KernelBytecodeModel.audit`), and on every
/// socket of `FilterSockets` the kernel's verdict (`KernelBytecodeModel.run`) must equal the Swift evaluator's
/// (`FilterExpression.matches`), which is what the inspector uses when the kernel cannot filter. The whole input is
/// the text (invalid UTF-8 repaired); FuzzTesting/FuzzFilter.dict holds the grammar's words.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFilter(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeRawBufferPointer(start: start, count: count), as: UTF8.self)
    guard let parsed = try? FilterParser.parse([text]) else { return 0 }
    let expression = parsed.expression
    let context = FilterContext()
    // As DumpPlan: no program for an empty filter; one too long to send is evaluated in Swift.
    guard expression != .all, let code = BytecodeCompiler.compile(expression, context: context) else { return 0 }
    guard KernelBytecodeModel.audit(code) else {
        fuzzFailure("the kernel's audit rejects the program for '\(text)': \(code)")
    }
    for socket in FilterSockets.all {
        // The evaluator checks only the port-range half of `autobound`; the kernel sees the bind lock too, so the
        // two agree for a socket without one.
        let kernel = KernelBytecodeModel.run(code, .init(socket, autobound: true))
        let swift = expression.matches(socket, context: context)
        if kernel != swift {
            fuzzFailure(
                "'\(text)': the kernel says \(kernel), Swift says \(swift) for \(socket.local) → \(socket.peer)"
            )
        }
    }
    return 0
}
