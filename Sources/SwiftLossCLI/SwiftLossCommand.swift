import SwiftLoss
public enum SwiftLossCommand { public static func main() {} }
