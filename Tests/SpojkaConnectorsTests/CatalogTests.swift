import Testing
@testable import SpojkaConnectors
@Test func catalogDirectoryExists() { #expect(BuiltinConnectors.manifestsDirectory != nil) }
