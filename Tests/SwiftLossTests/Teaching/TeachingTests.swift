import Foundation
import Testing

@testable import SwiftLoss
@testable import SwiftLossCLI

#if canImport(FoundationXML)
  import FoundationXML
#endif

@Suite struct ExplanationTests {
  /// The compiler demands an explanation of every loss (``LossTeaching``); this checks that none is empty.
  @Test func everyLossHasAnExplanation() {
    for definition in LossRegistry.all {
      let explanation = definition.teaching.explanation
      #expect(
        !explanation.formula.isEmpty && !explanation.shapes.isEmpty && !explanation.notes.isEmpty,
        "\(definition.functionalName)")
    }
  }

  /// Every facet of every loss's teaching works: the compiler demands them (``LossTeaching``), this
  /// checks that they are not empty: an explanation, a plot probe whose curve is finite somewhere,
  /// and a trace that runs on a sample call of the loss.
  static let fixtures = PyTorchFixture.load()

  @Test func everyLossHasCompleteTeaching() throws {
    let samples = Dictionary(grouping: TeachingSamples.base) { TeachingSamples.registered($0)?.functionalName ?? "" }
    for definition in LossRegistry.all {
      let teaching = definition.teaching
      let explanation = teaching.explanation
      #expect(!explanation.formula.isEmpty && !explanation.notes.isEmpty, "\(definition.functionalName)")
      let probe = try #require(teaching.plot, "\(definition.functionalName): no plot probe")
      let data = try LossPlot.evaluate([definition], points: 21)
      let finite = data.curves.contains { $0.ys.contains(where: \.isFinite) }
      #expect(data.kind == probe.kind && finite, "\(definition.functionalName)")
      // The hand-written sample where there is one, and the loss's first small PyTorch case, which
      // every loss has: a new loss needs nothing here beyond its fixture cases.
      let fixture = try #require(
        Self.fixtures.first { fixture in
          fixture.loss == definition.functionalName && fixture.errorKind == nil && fixture.legacyReduce == nil
            && fixture.legacySizeAverage == nil && fixture.tensors.values.reduce(0) { $0 + $1.count } <= 200
        }, "\(definition.functionalName): no small PyTorch case")
      var calls = [
        try LossCall(definition, tensors: fixture.tensors, options: fixture.options, bareNumbers: fixture.bareNumbers)
      ]
      if let sample = samples[definition.functionalName]?.first {
        calls.append(
          try LossCall(definition, tensors: sample.tensors, options: sample.options, bareNumbers: sample.bareNumbers))
      }
      for call in calls {
        let trace = try LossTracer.trace(call)
        #expect(trace.steps.count >= 2 && !trace.elementwise.isEmpty, "\(definition.functionalName)")
      }
    }
  }

  @Test func explainShowsFormulaOptionsAndSpellings() {
    for definition in LossRegistry.all {
      let text = Teaching.explain(definition, width: 10_000)
      #expect(text.contains("torch.nn.\(definition.moduleName)("))
      // A module without a functional form (AdaptiveLogSoftmaxWithLoss) says so instead.
      let moduleOnly = definition.teaching.explanation.pythonSpellings != nil
      #expect(
        moduleOnly
          ? text.contains("no functional form") : text.contains("torch.nn.functional.\(definition.functionalName)("))
      #expect(text.contains("formula:"))
      for option in definition.options {
        #expect(text.contains(option.flag), "\(definition.functionalName): \(option.flag)")
        let note = Teaching.defaultNote(option)  // empty for a required option (--cutoffs)
        #expect(note.isEmpty || text.contains(note))
      }
      for tensor in definition.tensors { #expect(text.contains(tensor.flag)) }
    }
  }

  @Test func keyNotesArePresent() throws {
    let ce = try #require(LossRegistry.lookup("ce"))
    #expect(Teaching.explain(ce, width: 10_000).contains("log_softmax + NLLLoss"))
    let kl = try #require(LossRegistry.lookup("kl_div"))
    #expect(Teaching.explain(kl, width: 10_000).contains("batchmean"))
    let smooth = try #require(LossRegistry.lookup("smooth_l1"))
    #expect(
      Teaching.explain(smooth, width: 10_000).contains(
        "SmoothL1 with beta and Huber with delta are not the same function"))
    #expect(
      LossRegistry.lookup("smooth_l1_loss")!.teaching.explanation.notes.joined().contains(
        "huber_loss(δ) = δ · smooth_l1_loss(β = δ)"))
    let huber = try #require(LossRegistry.lookup("huber"))
    #expect(Teaching.explain(huber, width: 10_000).contains("takes no size_average/reduce"))
    #expect(
      LossRegistry.lookup("ctc_loss")!.teaching.explanation.notes.joined().contains("not the plain partial derivative"))
    #expect(
      LossRegistry.lookup("multilabel_margin_loss")!.teaching.explanation.notes.joined().contains("NOT a multi-hot"))
  }
}

@Suite struct TraceTests {
  @Test(arguments: TeachingSamples.all.map(\.label).indices)
  func traceMatchesEngine(_ index: Int) throws {
    let call = TeachingSamples.all[index]
    guard let definition = TeachingSamples.registered(call) else { return }
    let result = try definition.run(tensors: call.tensors, options: call.options, bareNumbers: call.bareNumbers)
    let trace = try LossTracer.trace(
      try LossCall(definition, tensors: call.tensors, options: call.options, bareNumbers: call.bareNumbers))
    let text = trace.render(width: 10_000)
    #expect(text.contains("reduction"), "\(call.label)")
    #expect(
      Closeness.mismatch(expected: result.elementwise.storage, actual: trace.elementwise, relative: 1e-12) == nil,
      "\(call.label): elementwise \(trace.elementwise) vs \(result.elementwise.storage)")
    if case .string("none") = call.options["reduction"] {
      #expect(trace.value == nil)
    } else {
      let value = try #require(trace.value, "\(call.label)")
      #expect(
        Closeness.mismatch(expected: result.value.storage, actual: [value], relative: 1e-12) == nil,
        "\(call.label): trace \(value) vs engine \(result.value.storage)")
      #expect(text.contains("loss = \(NumberText.python(value))"))
    }
  }

  @Test func crossEntropyShowsItsSteps() throws {
    let ce = try #require(LossRegistry.lookup("ce"))
    let text = try LossTracer.trace(
      try LossCall(
        ce, tensors: ["input": TeachingSamples.logits34, "target": TeachingSamples.v([1, 0, 3])], options: [:])
    ).render(width: 10_000)
    for step in [
      "shift by the row maximum", "log-sum-exp", "log_softmax = (x − m)", "pick the target class",
      "mean = Σ l / Σ w[y]",
    ] {
      #expect(text.contains(step), "missing \(step)")
    }
  }

  @Test func linearCrossEntropyShowsTheProjectionThenCrossEntropy() throws {
    let lce = try #require(LossRegistry.lookup("nn.LinearCrossEntropyLoss"))
    let call = try #require(TeachingSamples.base.first { $0.loss == "linear_cross_entropy" })
    let text = try LossTracer.trace(try LossCall(lce, tensors: call.tensors, options: call.options)).render()
    for step in [
      "projection to logits", "n=0: z = [1.5, 0, 0.6, -0.3]", "shift by the row maximum", "log-sum-exp",
      "pick the target class", "mean = Σ l / Σ w[y]",
    ] {
      #expect(text.contains(step), "missing \(step)")
    }
    #expect(
      try #require(text.range(of: "projection")).lowerBound < (try #require(text.range(of: "log-sum-exp")).lowerBound))
  }

  @Test func refusesLargeInputs() throws {
    let mse = try #require(LossRegistry.lookup("mse"))
    let big = Tensor(repeating: 1, shape: [101])
    #expect(throws: LossError.self) {
      try LossTracer.trace(try LossCall(mse, tensors: ["input": big, "target": big], options: [:]))
    }
    do {
      _ = try LossTracer.trace(try LossCall(mse, tensors: ["input": big, "target": big], options: [:]))
    } catch {
      guard case .usage(let message) = error else { Issue.record("expected a usage error"); return }
      #expect(message.contains("--show"))
    }
  }

  @Test func numbersAreShort() {
    #expect(TraceNumber.short(0.123456789) == "0.123457")
    #expect(TraceNumber.short(2) == "2")
    #expect(TraceNumber.short(-1234567.8) == "-1234570")
    #expect(TraceNumber.short(1.5e-9) == "1.5e-9")
    #expect(TraceNumber.short(9.999999960041972e-13) == "1e-12")
    #expect(TraceNumber.short(-.infinity) == "−inf")
  }
}

@Suite struct PythonEmitterTests {
  static let python: String? = ["/usr/bin/python3", "/usr/local/bin/python3"].first {
    FileManager.default.isExecutableFile(atPath: $0)
  }

  static func run(_ executable: String, _ arguments: [String], input: String) throws -> (status: Int32, output: String)
  {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let stdin = Pipe(), stdout = Pipe()
    process.standardInput = stdin
    process.standardOutput = stdout
    process.standardError = stdout
    try process.run()
    stdin.fileHandleForWriting.write(Data(input.utf8))
    try stdin.fileHandleForWriting.close()
    let data = stdout.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
  }

  @Test(arguments: TeachingSamples.base.indices)
  func scriptParsesAndHoldsTheTensors(_ index: Int) throws {
    let call = TeachingSamples.base[index]
    guard let definition = TeachingSamples.registered(call) else { return }
    let script = try PythonEmitter.script(
      try LossCall(definition, tensors: call.tensors, options: call.options, bareNumbers: call.bareNumbers))
    let moduleOnly = !definition.tensorFamilies.isEmpty
    #expect(script.contains(moduleOnly ? "torch.nn.\(definition.moduleName)(" : "F.\(definition.functionalName)("))
    for (name, tensor) in call.tensors where !(name == "var" && tensor.rank == 0) {
      let integer = definition.tensors.first { $0.name == name }?.isInteger(in: call.tensors) ?? false
      let literal = PythonEmitter.literal(tensor, integer: integer, requiresGrad: false)
      let body = literal.prefix { $0 != "," || literal.hasPrefix("torch.tensor([") }
      #expect(script.contains(String(body.prefix(20))), "\(call.label): \(name)")
      #expect(script.contains(integer ? "dtype=torch.int64" : "dtype=torch.float64"))
    }
    if let python = Self.python {
      let (status, output) = try Self.run(python, ["-c", "import ast,sys; ast.parse(sys.stdin.read())"], input: script)
      #expect(status == 0, "\(call.label): \(output)\n\(script)")
    }
  }

  @Test func floatsAreExactAndGradientsOnlyWhereReported() throws {
    let ce = try #require(LossRegistry.lookup("ce"))
    let input = TeachingSamples.t([1, 3], [0.1, 1.0 / 3.0, -.infinity])
    let script = try PythonEmitter.script(
      try LossCall(
        ce, tensors: ["input": input, "target": TeachingSamples.v([1]), "weight": TeachingSamples.v([1, 2, 3])],
        options: ["ignore_index": .int(-1)]))
    #expect(
      script.contains(
        "input = torch.tensor([[0.1, 0.3333333333333333, float('-inf')]], dtype=torch.float64, requires_grad=True)"))
    #expect(script.contains("target = torch.tensor([1], dtype=torch.int64)"))
    #expect(script.contains("weight = torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64)\n"))
    #expect(script.contains("F.cross_entropy(input, target, weight=weight, reduction='mean', ignore_index=-1)"))
  }

  @Test func legacyFlagsReplaceTheReduction() throws {
    let mse = try #require(LossRegistry.lookup("mse"))
    let script = try PythonEmitter.script(
      try LossCall(
        mse, tensors: ["input": TeachingSamples.x22, "target": TeachingSamples.y22], options: [:],
        sizeAverage: false, reduce: nil))
    #expect(script.contains("F.mse_loss(input, target, size_average=False)"))
    #expect(script.contains("reduction='none'"))
  }

  @Test func gaussianFloatVar() throws {
    let gaussian = try #require(LossRegistry.lookup("gaussian_nll"))
    let script = try PythonEmitter.script(
      try LossCall(
        gaussian, tensors: ["input": TeachingSamples.x22, "target": TeachingSamples.y22, "var": Tensor(scalar: 0.25)],
        options: [:], bareNumbers: ["var"]))
    #expect(script.contains("var = 0.25  # a Python float"))
    // A 0-d var from a file is a tensor: a 1-D input takes it (unsqueezed), with its gradient.
    let tensorVar = try PythonEmitter.script(
      try LossCall(
        gaussian,
        tensors: [
          "input": TeachingSamples.v([1, 2]), "target": TeachingSamples.v([0, 0]), "var": Tensor(scalar: 0.25),
        ],
        options: [:]))
    #expect(tensorVar.contains("var = torch.tensor(0.25, dtype=torch.float64, requires_grad=True)"))
  }
}

@Suite struct PlotTests {
  @Test func curvesComeFromTheEngine() throws {
    let losses = ["huber", "smooth_l1", "mse", "l1"].compactMap(LossRegistry.lookup)
    let data = try LossPlot.evaluate(losses, range: -3...3, points: 13, derivative: true)
    #expect(data.kind == .error && data.curves.count == 4)
    let huber = data.curves[0]
    #expect(huber.xs.first == -3 && huber.xs.last == 3)
    #expect(huber.ys[0] == 2.5 && huber.ys[6] == 0)  // δ(|d| − δ/2) at d = −3
    #expect(huber.derivative?[0] == -1)
    #expect(data.curves[2].ys[0] == 9 && data.curves[2].derivative?[0] == -6)
  }

  @Test func optionValuesGiveOneCurveEach() throws {
    let huber = try #require(LossRegistry.lookup("huber"))
    let spec = try #require(huber.optionSpec("delta"))
    let values = try LossPlot.parseValues("0.5,1,2", for: spec)
    let data = try LossPlot.evaluate([huber], options: [("delta", values)], points: 5)
    #expect(data.curves.map(\.label) == ["huber (delta=0.5)", "huber (delta=1.0)", "huber (delta=2.0)"])
    #expect(throws: LossError.self) { try LossPlot.evaluate([huber], options: [("beta", [.double(1)])]) }
  }

  @Test func refusesLossesWithoutOneVariable() throws {
    // Every registered loss has a probe now; a loss without one (kl_div with its probe removed)
    // is refused.
    var kl = try #require(LossRegistry.lookup("kl_div"))
    kl.teaching.plot = nil
    #expect(throws: LossError.self) { try LossPlot.evaluate([kl]) }
    let mse = try #require(LossRegistry.lookup("mse")), bce = try #require(LossRegistry.lookup("bce_with_logits"))
    #expect(throws: LossError.self) { try LossPlot.evaluate([mse, bce]) }
  }

  @Test func everyLossPlotsWithItsDerivative() throws {
    #expect(LossPlot.plottable.count == LossRegistry.all.count)
    for definition in LossRegistry.all {
      let data = try LossPlot.evaluate([definition], points: 41, derivative: true)
      let curve = try #require(data.curves.first)
      let derivative = try #require(curve.derivative, "\(definition.functionalName): no derivative")
      #expect(curve.ys.filter(\.isFinite).count >= 38, "\(definition.functionalName): \(curve.ys)")
      #expect(derivative.filter(\.isFinite).count >= 38, "\(definition.functionalName): \(derivative)")
      let lesson = try #require(LossPlot.lesson(definition), "\(definition.functionalName): no lesson plot")
      #expect(lesson.hasDerivative, "\(definition.functionalName)")
    }
  }

  /// Every sample call's lesson page has its plot and derivative, whatever options the call has
  /// (the options a probe's tensors need, such as adaptive_log_softmax's cutoffs or ctc's blank,
  /// stay the probe's).
  @Test(arguments: TeachingSamples.base.indices)
  func everySampleCallHasItsLessonPlot(_ index: Int) throws {
    let call = TeachingSamples.base[index]
    guard let definition = TeachingSamples.registered(call) else { return }
    let plot = try #require(LossPlot.lesson(definition, tensors: call.tensors, options: call.options), "\(call.label)")
    #expect(plot.hasDerivative && plot.curves[0].ys.contains { $0.isFinite }, "\(call.label)")
    for mark in plot.marks { #expect(plot.range.contains(mark.x), "\(call.label)") }
  }

  /// The plotted derivative (from the loss's gradient through the probe) against a central
  /// difference of the plotted loss, for every loss at points away from its kinks.
  @Test func plottedDerivativesMatchFiniteDifferences() throws {
    for definition in LossRegistry.all {
      let probe = try #require(definition.teaching.plot)
      let range = probe.defaultRange, span = range.upperBound - range.lowerBound
      let xs = [0.13, 0.37, 0.61, 0.87].map { range.lowerBound + $0 * span }
      let h = 1e-6 * span
      let at = try LossPlot.curve(definition, probe, at: xs, settings: [], derivative: true)
      let above = try LossPlot.curve(definition, probe, at: xs.map { $0 + h }, settings: [], derivative: false)
      let below = try LossPlot.curve(definition, probe, at: xs.map { $0 - h }, settings: [], derivative: false)
      let derivative = try #require(at.derivative)
      for i in xs.indices {
        let difference = (above.ys[i] - below.ys[i]) / (2 * h)
        #expect(
          abs(derivative[i] - difference) <= 1e-5 * max(1, abs(difference)),
          "\(definition.functionalName) at \(xs[i]): plotted \(derivative[i]), finite difference \(difference)")
      }
    }
  }

  @Test func newProbesTeach() throws {
    let nll = try #require(LossRegistry.lookup("nll")), kl = try #require(LossRegistry.lookup("kl_div"))
    let logs = try LossPlot.evaluate([nll, kl], range: -2...0, points: 5, derivative: true)
    // nll is −log p of the true class; kl_div with target 1 is the same line (the legend says so).
    #expect(logs.kind == .logProbability && logs.curves[0].ys == [2, 1.5, 1, 0.5, 0])
    #expect(logs.curves[1].coincidesWith == "nll" && logs.curves[1].derivative == [-1, -1, -1, -1, -1])
    let swept = try LossPlot.evaluate([kl], options: [("target", [.double(0.5)])], range: -2...0, points: 3)
    #expect(swept.curves[0].label == "kl_div (target=0.5)")
    #expect(abs(swept.curves[0].ys[0] - (0.5 * log(0.5) + 1)) < 1e-15)
    // adaptive_log_softmax with a shortlist target is two-class cross_entropy over the head.
    let als = try #require(LossRegistry.lookup("adaptive_log_softmax")), ce = try #require(LossRegistry.lookup("ce"))
    let margins = try LossPlot.evaluate([ce, als], range: -2...2, points: 5, derivative: true)
    for i in 0..<5 {
      #expect(abs(margins.curves[0].ys[i] - margins.curves[1].ys[i]) < 1e-14)
      #expect(abs(margins.curves[0].derivative![i] - margins.curves[1].derivative![i]) < 1e-14)
    }
    #expect(throws: LossError.self) { try LossPlot.evaluate([als], options: [("cutoffs", [.ints([2])])]) }
    // A call's options that the probe's tensors fix do not take its lesson plot away.
    let withBias = LossPlot.lesson(
      als, options: ["cutoffs": .ints([2, 4]), "head_bias": .bool(true), "n_classes": .int(6)])
    #expect(withBias?.hasDerivative == true)
    let ctc = try #require(LossRegistry.lookup("ctc"))
    #expect(LossPlot.lesson(ctc, options: ["blank": .int(2)])?.hasDerivative == true)
    // multilabel_margin with one target class is multi_margin's two-class hinge max(0, 1 − t)/2.
    let multilabel = try #require(LossRegistry.lookup("multilabel_margin")),
      multi = try #require(LossRegistry.lookup("multi_margin"))
    let hinges = try LossPlot.evaluate([multi, multilabel], range: -1...3, points: 5)
    #expect(hinges.curves[1].ys == [1, 0.5, 0, 0, 0] && hinges.curves[1].coincidesWith == "multi_margin")
    // triplet: max(0, 1 − t + margin) over the anchor–negative distance t (to eps).
    let triplet = try #require(LossRegistry.lookup("triplet_margin"))
    let distances = try LossPlot.evaluate([triplet], options: [("margin", [.double(0.5)])], range: 0...3, points: 4)
    #expect(distances.kind == .negativeDistance)
    for (y, expected) in zip(distances.curves[0].ys, [1.5, 0.5, 0, 0]) { #expect(abs(y - expected) < 1e-5) }
    // cosine_embedding with target −1: max(0, cos θ − margin) (its cosine adds eps = 1e-12 to the
    // squared norms).
    let cosine = try #require(LossRegistry.lookup("cosine_embedding"))
    let angles = try LossPlot.evaluate([cosine], options: [("margin", [.double(0.5)])], range: 0...Double.pi, points: 4)
    #expect(angles.kind == .angle)
    for (y, expected) in zip(angles.curves[0].ys, [0.5, 0, 0, 0]) { #expect(abs(y - expected) < 1e-11) }
    // A call's elements on the new axes: nll's true-class log-probabilities, the angles of
    // cosine_embedding's dissimilar pairs.
    let nllPlot = try #require(
      LossPlot.lesson(
        nll,
        tensors: [
          "input": TeachingSamples.t([2, 3], [-1.2, -0.4, -2.0, -0.3, -1.5, -2.2]),
          "target": TeachingSamples.v([0, 2]),
        ]))
    #expect(nllPlot.marks.map(\.x) == [-1.2, -2.2] && nllPlot.marks.map(\.y) == [1.2, 2.2])
    let pairs = try #require(
      LossPlot.lesson(
        cosine,
        tensors: [
          "input1": TeachingSamples.t([2, 2], [1, 0, 1, 0]), "input2": TeachingSamples.t([2, 2], [0, 1, 1, 1]),
          "target": TeachingSamples.v([1, -1]),
        ]))
    #expect(pairs.marks.count == 1 && abs(pairs.marks[0].x - Double.pi / 4) < 1e-12)
    #expect(abs(pairs.marks[0].y - 0.5.squareRoot()) < 1e-12)
  }

  @Test func marginLossesAndRanges() throws {
    let losses = ["bce_with_logits", "soft_margin", "ce"].compactMap(LossRegistry.lookup)
    let data = try LossPlot.evaluate(losses, range: -2...2, points: 5, derivative: true)
    #expect(data.kind == .margin)
    // BCEWithLogits with target 1 and soft_margin with target 1 are the same curve; so is 2-class CE.
    for i in 0..<5 {
      #expect(abs(data.curves[0].ys[i] - data.curves[1].ys[i]) < 1e-15)
      #expect(abs(data.curves[0].ys[i] - data.curves[2].ys[i]) < 1e-14)
      #expect(abs(data.curves[0].derivative![i] - data.curves[2].derivative![i]) < 1e-14)
    }
    #expect(try LossPlot.parseRange("-3:3") == -3...3)
    #expect(try LossPlot.parseRange("-2.5..-1") == -2.5...(-1))
    #expect(throws: LossError.self) { try LossPlot.parseRange("3:1") }
  }
}

@Suite struct GradientCheckTests {
  @Test func smoothLossesAgree() throws {
    let mse = try #require(LossRegistry.lookup("mse"))
    let report = try GradientCheck.run(
      try LossCall(mse, tensors: ["input": TeachingSamples.x22, "target": TeachingSamples.y22], options: [:]))
    #expect(report.entries.map(\.name) == ["input", "target"])
    #expect(report.entries.allSatisfy { $0.agrees })
    #expect(report.render(width: 10_000).contains("agrees"))
  }

  @Test func symmetricKinksAgreeAndHingesAreReported() throws {
    // Central differences of |d| at d = 0 give 0, PyTorch's subgradient too.
    let l1 = try #require(LossRegistry.lookup("l1"))
    let report = try GradientCheck.run(
      try LossCall(l1, tensors: ["input": TeachingSamples.x22, "target": TeachingSamples.y22], options: [:]))
    #expect(report.entries.allSatisfy { $0.agrees })
    // A hinge exactly at its margin: PyTorch's subgradient 0, the finite difference −½.
    guard let hinge = LossRegistry.lookup("hinge_embedding") else { return }
    let kinked = try GradientCheck.run(
      try LossCall(
        hinge, tensors: ["input": TeachingSamples.v([1, 0.5]), "target": TeachingSamples.v([-1, -1])], options: [:]))
    let input = try #require(kinked.entries.first)
    #expect(input.mismatches == 1 && input.kinks == 1)
    #expect(kinked.render(width: 10_000).contains("subgradient"))
  }

  @Test(arguments: TeachingSamples.base.indices)
  func everySampleChecks(_ index: Int) throws {
    let call = TeachingSamples.base[index]
    guard let definition = TeachingSamples.registered(call) else { return }
    let report = try GradientCheck.run(
      try LossCall(definition, tensors: call.tensors, options: call.options, bareNumbers: call.bareNumbers))
    if definition.teaching.gradientAdjustment != nil {
      let entry = try #require(report.entries.first)
      #expect(try #require(entry.adjustedMaxAbsoluteError) < 1e-6, "\(report.render(width: 10_000))")
    } else if !call.gradientFollowsClamp {
      for entry in report.entries {
        #expect(entry.mismatches == entry.kinks, "\(call.label): \(report.render(width: 10_000))")
      }
    }
  }

  @Test func refusesLargeInputs() throws {
    let mse = try #require(LossRegistry.lookup("mse"))
    let big = Tensor(repeating: 1, shape: [300])
    #expect(throws: LossError.self) {
      try GradientCheck.run(try LossCall(mse, tensors: ["input": big, "target": big], options: [:]))
    }
  }
}

/// Runs every emitted script with PyTorch and compares its numbers with the engine's. Enabled only
/// when `SWIFTLOSS_TORCH_PYTHON` names a Python with torch (e.g. .venv-torch/bin/python).
@Suite(.enabled(if: ProcessInfo.processInfo.environment["SWIFTLOSS_TORCH_PYTHON"] != nil))
struct TorchCrossCheckTests {
  /// The numbers of one printed line (`loss: [[1.0, nan], ...]`).
  static func numbers(_ line: Substring) -> [Double] {
    let body = line.drop { $0 != ":" }.dropFirst()
    return body.split { "[], ".contains($0) }.compactMap { Double($0) }
  }

  @Test(arguments: TeachingSamples.all.indices)
  func pytorchAgrees(_ index: Int) throws {
    let call = TeachingSamples.all[index]
    guard let definition = TeachingSamples.registered(call),
      let python = ProcessInfo.processInfo.environment["SWIFTLOSS_TORCH_PYTHON"]
    else { return }
    let script = try PythonEmitter.script(
      try LossCall(definition, tensors: call.tensors, options: call.options, bareNumbers: call.bareNumbers))
    let (status, output) = try PythonEmitterTests.run(python, ["-W", "ignore", "-"], input: script)
    try #require(status == 0, "\(call.label): \(output)")
    let result = try definition.run(tensors: call.tensors, options: call.options, bareNumbers: call.bareNumbers)
    var printed: [String: [Double]] = [:]
    for line in output.split(separator: "\n") {
      printed[String(line.prefix { $0 != ":" })] = Self.numbers(line)
    }
    #expect(
      Closeness.mismatch(expected: printed["loss"] ?? [], actual: result.value.storage) == nil, "\(call.label) loss")
    #expect(
      Closeness.mismatch(expected: printed["elementwise"] ?? [], actual: result.elementwise.storage) == nil,
      "\(call.label) elementwise")
    for (name, gradient) in result.gradients {
      #expect(
        Closeness.mismatch(expected: printed["grad \(name)"] ?? [], actual: gradient.storage) == nil,
        "\(call.label) grad \(name)\n\(script)")
    }
  }
}

@Suite struct CatalogTests {
  @Test func listsEveryLossWithNamesTensorsAndSummary() {
    let text = LossCatalog.text(width: 10_000)
    for definition in LossRegistry.all {
      #expect(
        text.contains(definition.functionalName) && text.contains(definition.moduleName)
          && text.contains(definition.summary))
      for alias in definition.aliases { #expect(text.contains(alias)) }
    }
    #expect(text.contains("regression:") && text.contains("classification:"))
    #expect(text.contains("input* target* [weight*]"))
  }
}
