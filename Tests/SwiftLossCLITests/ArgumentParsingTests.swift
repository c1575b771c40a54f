import SwiftLoss
import Testing

@testable import SwiftLossCLI

@Suite struct ArgumentParsingTests {
  func request(_ arguments: [String]) throws -> ComputeRequest {
    let invocation: Invocation
    do { invocation = try Invocation.parse(arguments) } catch {
      Issue.record("parse failed: \(Diagnostics.describe(error).message)")
      throw error
    }
    guard case .compute(let request) = invocation else {
      Issue.record("not a computation")
      throw CommandError.usage("not a computation")
    }
    return request
  }

  func usageError(_ arguments: [String]) -> String? {
    do {
      _ = try Invocation.parse(arguments)
      return nil
    } catch {
      let (message, status) = Diagnostics.describe(error)
      #expect(status == 2)
      return message
    }
  }

  @Test func tensorFlagsTakeValuesInBothForms() throws {
    let r = try request(["mse", "--input", "a.csv", "--target=b.csv", "--weight", "-"])
    #expect(r.tensorArguments["input"]?.value == "a.csv")
    #expect(r.tensorArguments["target"]?.value == "b.csv")
    #expect(r.tensorArguments["weight"]?.value == "-")
    #expect(r.tensorArguments["target"]?.flag == "--target")
  }

  @Test func valuesMayStartWithADash() throws {
    let r = try request(["huber", "--input", "-3", "--target", "-1e-3", "--delta", "-2"])
    #expect(r.tensorArguments["input"]?.value == "-3")
    #expect(r.options["delta"] == .double(-2))
  }

  @Test func optionsAcceptSpaceEqualsAndUnderscores() throws {
    #expect(try request(["huber", "--delta", "0.5"]).options["delta"] == .double(0.5))
    #expect(try request(["huber", "--delta=0.5"]).options["delta"] == .double(0.5))
    #expect(try request(["smooth_l1", "--beta=2"]).options["beta"] == .double(2))
    #expect(try request(["mse", "--reduction", "sum"]).options["reduction"] == .string("sum"))
    #expect(try request(["mse", "--reduction=none"]).options["reduction"] == .string("none"))
  }

  @Test func underscoredFlagNamesAreAccepted() throws {
    let scanner = ArgumentScanner(["--ignore_index=3", "--log_probs", "x"])
    var s = scanner
    #expect(s.next() == .flag(name: "ignore-index", inlineValue: "3", spelling: "--ignore_index"))
    #expect(s.next() == .flag(name: "log-probs", inlineValue: nil, spelling: "--log_probs"))
    #expect(s.next() == .operand("x"))
  }

  @Test func lossNamesResolveThroughTheRegistry() throws {
    for name in [
      "mse", "MSELoss", "nn.MSELoss", "torch.nn.MSELoss", "mse_loss", "F.mse_loss", "torch.nn.functional.mse_loss",
      "MSE-LOSS",
    ] {
      #expect(try request([name]).definition.functionalName == "mse_loss", "\(name)")
    }
    #expect(try request(["smooth-l1"]).definition.functionalName == "smooth_l1_loss")
  }

  @Test func globalFlags() throws {
    let r = try request([
      "mse", "--format", "json", "--show", "grad, loss", "--precision", "4", "--delimiter", "tab",
      "--shape", "input=3,2", "--shape=target=(6,)", "--data", "-",
    ])
    #expect(r.global.format == .json)
    #expect(r.global.show == [.gradients, .loss])
    #expect(r.global.precision == 4)
    #expect(r.global.delimiter == UInt8(ascii: "\t"))
    #expect(r.global.shapes.map(\.name) == ["input", "target"])
    #expect(r.global.shapes.map(\.dims) == [[3, 2], [6]])
    #expect(r.global.data == "-")
  }

  @Test func globalFlagsMayPrecedeTheLoss() throws {
    let r = try request(["--format", "json", "--show=loss", "mse", "--input", "a"])
    #expect(r.global.format == .json)
    #expect(r.global.show == .loss)
    guard case .list(let format) = try Invocation.parse(["--format=json", "list"]) else {
      Issue.record("not list")
      return
    }
    #expect(format == .json)
  }

  @Test(arguments: [
    ("tab", UInt8(ascii: "\t")), ("\\t", UInt8(ascii: "\t")), ("\t", UInt8(ascii: "\t")), ("space", UInt8(ascii: " ")),
    ("comma", UInt8(ascii: ",")), (";", UInt8(ascii: ";")), ("|", UInt8(ascii: "|")), ("semicolon", UInt8(ascii: ";")),
  ])
  func delimiters(text: String, byte: UInt8) throws {
    #expect(try GlobalOptions.parseDelimiter(text) == byte)
  }

  @Test(arguments: ["ab", "", "1", "e", ".", "-", "é"])
  func badDelimiters(text: String) {
    #expect(usageError(["mse", "--delimiter", text])?.contains("--delimiter") == true)
  }

  @Test func shapeForms() throws {
    #expect(try GlobalOptions.parseShape("input=").dims == [])
    #expect(try GlobalOptions.parseShape("input=()").dims == [])
    #expect(try GlobalOptions.parseShape("input=(3,)").dims == [3])
    #expect(try GlobalOptions.parseShape("log_probs=5,-1,4").dims == [5, -1, 4])
    #expect(usageError(["mse", "--shape", "input"]) != nil)
    #expect(usageError(["mse", "--shape", "input=a,2"]) != nil)
    #expect(usageError(["mse", "--shape", "input=-1,-1"]) != nil)
  }

  @Test func showSets() throws {
    #expect(try ShowSet.parse("loss") == .loss)
    #expect(try ShowSet.parse("elementwise,grad,loss") == .all)
    #expect(try ShowSet.parse("grad") == .gradients)
    #expect(usageError(["mse", "--show", "loss,bogus"])?.contains("--show") == true)
    #expect(usageError(["mse", "--show", ""]) != nil)
  }

  @Test func precisionRange() {
    #expect(usageError(["mse", "--precision", "-1"]) != nil)
    #expect(usageError(["mse", "--precision", "x"]) != nil)
    #expect(usageError(["mse", "--precision", "101"]) != nil)
  }

  @Test func legacyFlagsParse() throws {
    let r = try request(["mse", "--size-average", "false", "--reduce=true"])
    #expect(r.sizeAverage == false)
    #expect(r.reduce == true)
    let s = try request(["l1", "--size_average", "--no-reduce"])
    #expect(s.sizeAverage == true)
    #expect(s.reduce == false)
  }

  @Test func legacyFlagsOnlyWherePyTorchTakesThem() {
    let message = usageError(["huber", "--size-average", "false"])
    #expect(message?.contains("huber_loss does not take --size-average") == true)
    #expect(usageError(["huber", "--reduce", "false"]) != nil)
  }

  @Test func numbersAreParsedStrictly() {
    #expect(usageError(["huber", "--delta", "abc"])?.contains("invalid value 'abc' for --delta") == true)
    #expect(usageError(["huber", "--delta", "0x10"]) != nil)
    #expect(usageError(["huber", "--delta", "1e400"]) != nil)
    #expect(usageError(["huber", "--delta", " 1"]) != nil)
    #expect(usageError(["huber", "--delta", "1_0"]) != nil)
    #expect(usageError(["huber", "--delta"])?.contains("--delta needs a value") == true)
    #expect(usageError(["huber", "--delta", "--input", "x"])?.contains("--delta needs a value") == true)
  }

  @Test func strictNumbers() {
    #expect(OptionParsing.strictDouble("1.5") == 1.5)
    #expect(OptionParsing.strictDouble("-2e-3") == -2e-3)
    #expect(OptionParsing.strictDouble("+.5") == 0.5)
    #expect(OptionParsing.strictDouble("inf") == .infinity)
    #expect(OptionParsing.strictDouble("-Infinity") == -.infinity)
    #expect(OptionParsing.strictDouble("NaN")?.isNaN == true)
    #expect(OptionParsing.strictDouble("0x1p3") == nil)
    #expect(OptionParsing.strictDouble("1,5") == nil)
    #expect(OptionParsing.strictDouble("") == nil)
    #expect(OptionParsing.strictDouble("e") == nil)
  }

  @Test func integerOptionsRefuseFractions() throws {
    let spec = OptionSpec(.ignoreIndex, default: -100, help: "")
    #expect(try OptionParsing.value("-100", for: spec) == .int(-100))
    #expect(throws: CommandError.self) { try OptionParsing.value("2.5", for: spec) }
    #expect(throws: CommandError.self) { try OptionParsing.value("2.0", for: spec) }
    #expect(throws: CommandError.self) { try OptionParsing.value("1e3", for: spec) }
  }

  @Test func booleanOptionForms() throws {
    let spec = OptionSpec(.full, default: false, help: "")
    let definition = LossDefinition(
      functionalName: "test_loss", moduleName: "TestLoss", teaching: LossDefinition.mseLoss.teaching, summary: "",
      tensors: [], options: [.reduction(), spec]
    ) { _ throws(LossError) in throw LossError.usage("unused") }
    func parse(_ arguments: [String]) throws -> OptionValue? {
      guard case .compute(let r) = try ComputeRequest.parse(definition: definition, arguments: arguments) else {
        return nil
      }
      return r.options["full"]
    }
    #expect(try parse(["--full"]) == .bool(true))
    #expect(try parse(["--full=false"]) == .bool(false))
    #expect(try parse(["--full", "false"]) == .bool(false))
    #expect(try parse(["--full", "True"]) == .bool(true))
    #expect(try parse(["--no-full"]) == .bool(false))
    #expect(try parse(["--full", "--no-full"]) == .bool(false))
    #expect(try parse(["--no-full", "--full"]) == .bool(true))
    #expect(throws: CommandError.self) { try parse(["--full=maybe"]) }
    #expect(throws: CommandError.self) { try parse(["--no-full=true"]) }
  }

  @Test func reductionIsValidatedAgainstItsChoices() {
    let message = usageError(["mse", "--reduction", "batchmean"])
    #expect(message?.contains("expected one of none, mean, sum") == true)
  }

  @Test func commands() throws {
    if case .version = try Invocation.parse(["--version"]) {} else { Issue.record("--version") }
    if case .help(nil) = try Invocation.parse(["--help"]) {} else { Issue.record("--help") }
    if case .help(nil) = try Invocation.parse(["-h"]) {} else { Issue.record("-h") }
    if case .help(nil) = try Invocation.parse(["help"]) {} else { Issue.record("help") }
    if case .help(let d?) = try Invocation.parse(["help", "mse"]) {
      #expect(d.functionalName == "mse_loss")
    } else {
      Issue.record("help mse")
    }
    if case .help(let d?) = try Invocation.parse(["mse", "--input", "x", "--help"]) {
      #expect(d.functionalName == "mse_loss")
    } else {
      Issue.record("mse --help")
    }
    if case .explain(let d, _) = try Invocation.parse(["explain", "HuberLoss"]) {
      #expect(d.functionalName == "huber_loss")
    } else {
      Issue.record("explain")
    }
    if case .list(.text) = try Invocation.parse(["list"]) {} else { Issue.record("list") }
    if case .list(.json) = try Invocation.parse(["list", "--format", "json"]) {} else { Issue.record("list json") }
    #expect(usageError(["explain"]) != nil)
    #expect(usageError(["help", "msee"])?.contains("did you mean 'mse'") == true)
    #expect(usageError(["list", "--bogus"]) != nil)
    #expect(usageError([]) != nil)
  }

  /// Every loss flag is free of the flags the front end reads first (global flags, the teaching
  /// modes, `--help`, the legacy flags, `--no-` forms), and a flag several losses share means the
  /// same kind of value in each, as swift-argument-parser's `UniqueNamesValidator` checks names up
  /// front. The checker itself is shown to catch a clash.
  @Test func lossFlagsCollideWithNothing() {
    let clashes = Self.flagClashes(LossRegistry.all)
    #expect(clashes.isEmpty, "\(clashes)")

    let shadowing = LossDefinition(
      functionalName: "test_loss", moduleName: "TestLoss", teaching: LossDefinition.mseLoss.teaching, summary: "",
      tensors: [TensorSpec(.input, gradient: true, help: "")],
      options: [
        OptionSpec(OptionKey<Int>("format"), default: 0, help: ""),
        OptionSpec(OptionKey<Bool>("input"), default: false, help: ""),
      ]
    ) { _ throws(LossError) in throw LossError.usage("unused") }
    let retyped = LossDefinition(
      functionalName: "other_loss", moduleName: "OtherLoss", teaching: LossDefinition.mseLoss.teaching, summary: "",
      tensors: [],
      options: [OptionSpec(OptionKey<Int>("margin"), default: 0, help: "")]
    ) { _ throws(LossError) in throw LossError.usage("unused") }
    let shadowed = Self.flagClashes([shadowing])
    #expect(shadowed.contains("test_loss: --format is read as a flag of the front end"))
    #expect(shadowed.contains("test_loss: --input is declared twice"))
    #expect(Self.flagClashes(LossRegistry.all + [retyped]).contains { $0.hasPrefix("other_loss: --margin") })
    let plotShadowing = LossDefinition(
      functionalName: "plot_loss", moduleName: "PlotLoss", teaching: LossDefinition.mseLoss.teaching, summary: "",
      tensors: [TensorSpec(.input, gradient: true, help: "")],
      options: [
        OptionSpec(OptionKey<Int>("width"), default: 0, help: ""),
        OptionSpec(OptionKey<Int>("frames"), default: 0, help: ""),
      ]
    ) { _ throws(LossError) in throw LossError.usage("unused") }
    let plotShadowed = Self.flagClashes([plotShadowing])
    #expect(plotShadowed.contains("plot_loss: --width is read as a flag of the front end"))
    #expect(plotShadowed.contains("plot_loss: --frames is read as a plot sweep"))
  }

  /// What is wrong with the flags of `definitions`, one line per clash.
  static func flagClashes(_ definitions: [LossDefinition]) -> [String] {
    // plot's own flags are read before a loss's options there ('colour' is --color's other spelling).
    let reserved = Set(
      GlobalOptions.flags.map(\.name) + TeachingMode.flags.map(\.name) + ["help", "size-average", "reduce"]
        + PlotRequest.flags.map(\.name) + ["colour"])
    // A plot sweep (a tensor held fixed, ctc's frame count) is read before any option of that name
    // when the losses are plotted together; a sweep is named after its loss's own tensor, so tensors
    // may share the name.
    let sweeps = Set(
      (LossRegistry.all + definitions).flatMap { $0.teaching.plot?.sweeps.map { $0.name.replacingUnderscores() } ?? [] }
    )
    var kinds: [String: (kind: String, loss: String)] = [:]
    var clashes: [String] = []
    for definition in definitions {
      let loss = definition.functionalName
      let tensorFlags = definition.tensors.flatMap { spec in ([spec.name] + spec.aliases).map { ($0, "a tensor") } }
      let optionFlags = definition.options.map { spec -> (String, String) in
        if case .choice = spec.kind { return (spec.name, "a word") }
        return (spec.name, spec.kind.noun)
      }
      var seen: Set<String> = []
      for (name, kind) in tensorFlags + optionFlags {
        let flag = name.replacingUnderscores()
        if reserved.contains(flag) || flag.hasPrefix("no-") {
          clashes.append("\(loss): --\(flag) is read as a flag of the front end")
        }
        if kind != "a tensor" && sweeps.contains(flag) {
          clashes.append("\(loss): --\(flag) is read as a plot sweep")
        }
        if !seen.insert(flag).inserted { clashes.append("\(loss): --\(flag) is declared twice") }
        if let earlier = kinds[flag] {
          if earlier.kind != kind {
            clashes.append("\(loss): --\(flag) takes \(kind), but \(earlier.loss)'s takes \(earlier.kind)")
          }
        } else {
          kinds[flag] = (kind, loss)
        }
      }
    }
    return clashes
  }
}
