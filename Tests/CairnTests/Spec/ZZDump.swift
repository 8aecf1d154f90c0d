import Cairn
import CairnProviders
import Foundation
import Testing

@Suite struct ZZDump {
    @Test func dump() throws {
        let base = URL(fileURLWithPath: "/work/main/examples")
        let registry = ProviderRegistry([
            SimProvider(world: try SimWorld.inMemory()),
            DirectoryProvider(baseDirectory: base), FileProvider(baseDirectory: base), CommandProvider(baseDirectory: base),
        ])
        for name in ["local", "quickstart"] {
            let loader = SpecLoader(registry: registry, options: .init(environment: [:]))
            do {
                let stack = try loader.load(file: base.appendingPathComponent("\(name)/cairn.yaml"))
                print("\(name): OK \(stack.resources.map(\.address)) flags=\(stack.flags)")
                let stack2 = try SpecLoader(registry: registry, options: .init(flags: ["cdn": "true"], environment: [:])).load(file: base.appendingPathComponent("\(name)/cairn.yaml"))
                print("  with cdn: \(stack2.resources.map(\.address))")
            } catch { print("\(name): \(error)") }
        }
        #expect(Bool(false), "deliberate")
    }
}
