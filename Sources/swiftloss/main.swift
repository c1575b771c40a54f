import SwiftLossCLI

SwiftLossCommand.main()
