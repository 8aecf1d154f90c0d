import Cairn
import CairnProviders
import Foundation
import Testing

@Suite("DirectoryProvider")
struct DirectoryProviderTests {
    typealias Support = LocalTestSupport

    private func create(_ provider: DirectoryProvider, _ properties: [String: Value]) async throws -> ResourceSnapshot {
        try await provider.create(
            CreateRequest(context: Support.context("directory"), properties: properties, idempotencyKey: Support.key))
    }

    @Test(
        "create makes missing parents and applies the mode exactly, whatever the umask",
        arguments: ["0700", "0750", "0755", "0777", "1777"])
    func createAppliesModeExactly(mode: String) async throws {
        try await Support.withTemporaryDirectory { base in
            let provider = DirectoryProvider(baseDirectory: base)
            let snapshot = try await Support.withUmask(0o077) {
                try await create(provider, ["path": "a/b/c", "mode": .string(mode)])
            }
            let path = base.path + "/a/b/c"
            #expect(snapshot.id == path)
            #expect(snapshot.outputs == ["path": .string(path)])
            #expect(snapshot.properties == ["path": "a/b/c", "mode": .string(mode)])
            let info = try #require(Support.info(path))
            #expect(info.isDirectory)
            #expect(info.mode == mode_t(UInt32(mode, radix: 8)!))
        }
    }

    @Test("an undeclared mode gives a new folder 0755 and leaves properties without mode")
    func defaultMode() async throws {
        try await Support.withTemporaryDirectory { base in
            let snapshot = try await Support.withUmask(0o077) {
                try await create(DirectoryProvider(baseDirectory: base), ["path": "plain"])
            }
            #expect(Support.info(base.path + "/plain")?.mode == 0o755)
            #expect(snapshot.properties == ["path": "plain"])
        }
    }

    @Test("absolute paths are used as they are; .. is resolved")
    func absolutePaths() async throws {
        try await Support.withTemporaryDirectory { base in
            let elsewhere = base.path + "/x/../elsewhere"
            let snapshot = try await create(
                DirectoryProvider(baseDirectory: URL(fileURLWithPath: "/nonexistent")), ["path": .string(elsewhere)])
            #expect(snapshot.id == base.path + "/elsewhere")
            #expect(Support.info(base.path + "/elsewhere")?.isDirectory == true)
        }
    }

    @Test("create on an existing folder keeps its contents and sets the declared mode")
    func createIsIdempotent() async throws {
        try await Support.withTemporaryDirectory { base in
            let provider = DirectoryProvider(baseDirectory: base)
            _ = try await create(provider, ["path": "d", "mode": "0700"])
            try Support.writeFile("keep", to: base.path + "/d/inside")
            _ = try await create(provider, ["path": "d", "mode": "0750"])
            #expect(Support.info(base.path + "/d")?.mode == 0o750)
            #expect(Support.contents(base.path + "/d/inside") == "keep")
        }
    }

    @Test("update changes the mode")
    func updateChangesMode() async throws {
        try await Support.withTemporaryDirectory { base in
            let provider = DirectoryProvider(baseDirectory: base)
            let created = try await create(provider, ["path": "d", "mode": "0755"])
            let updated = try await provider.update(
                UpdateRequest(
                    context: Support.context("directory"), id: created.id, prior: created.properties,
                    properties: ["path": "d", "mode": "0700"], changed: ["mode"], idempotencyKey: Support.key))
            #expect(updated.properties["mode"] == "0700")
            #expect(Support.info(base.path + "/d")?.mode == 0o700)
        }
    }

    @Test("read reports the mode in the declared spelling, and nil once the folder is gone")
    func read() async throws {
        try await Support.withTemporaryDirectory { base in
            let provider = DirectoryProvider(baseDirectory: base)
            let created = try await create(provider, ["path": "d", "mode": "755"])
            let request = ReadRequest(
                context: Support.context("directory"), id: created.id, properties: created.properties)
            #expect(try await provider.read(request) == created)
            #expect(chmod(base.path + "/d", 0o700) == 0)
            #expect(try await provider.read(request)?.properties["mode"] == "0700")
            #expect(rmdir(base.path + "/d") == 0)
            #expect(try await provider.read(request) == nil)
        }
    }

    @Test("read of a path where a file sits gives nil, and create there is a conflict")
    func fileInTheWay() async throws {
        try await Support.withTemporaryDirectory { base in
            let provider = DirectoryProvider(baseDirectory: base)
            try Support.writeFile("x", to: base.path + "/taken")
            let request = ReadRequest(
                context: Support.context("directory"), id: base.path + "/taken", properties: ["path": "taken"])
            #expect(try await provider.read(request) == nil)
            let error = await #expect(throws: ProviderError.self) { try await create(provider, ["path": "taken"]) }
            #expect(error?.errorClass == .conflict)
            #expect(error?.message.contains("not a directory") == true)
        }
    }

    @Test("delete removes an empty folder, and a missing one is fine")
    func deleteEmpty() async throws {
        try await Support.withTemporaryDirectory { base in
            let provider = DirectoryProvider(baseDirectory: base)
            let created = try await create(provider, ["path": "d"])
            let request = DeleteRequest(
                context: Support.context("directory"), id: created.id, properties: created.properties,
                idempotencyKey: Support.key)
            try await provider.delete(request)
            #expect(Support.info(base.path + "/d") == nil)
            try await provider.delete(request)
        }
    }

    @Test("delete refuses a folder that is not empty, with a conflict, and leaves it whole")
    func deleteNonEmptyRefused() async throws {
        try await Support.withTemporaryDirectory { base in
            let provider = DirectoryProvider(baseDirectory: base)
            let created = try await create(provider, ["path": "d"])
            try Support.writeFile("precious", to: base.path + "/d/data")
            let error = await #expect(throws: ProviderError.self) {
                try await provider.delete(
                    DeleteRequest(
                        context: Support.context("directory"), id: created.id, properties: created.properties,
                        idempotencyKey: Support.key))
            }
            #expect(error?.errorClass == .conflict)
            #expect(error?.message.contains("is not empty") == true)
            #expect(Support.contents(base.path + "/d/data") == "precious")
        }
    }

    @Test("find answers the folder when it exists with the declared mode, else nil")
    func find() async throws {
        try await Support.withTemporaryDirectory { base in
            let provider = DirectoryProvider(baseDirectory: base)
            func find(_ properties: [String: Value]) async throws -> ResourceSnapshot? {
                try await provider.find(
                    FindRequest(
                        context: Support.context("directory"), idempotencyKey: Support.key, properties: properties))
            }
            #expect(try await find(["path": "d", "mode": "0700"]) == nil)
            let created = try await create(provider, ["path": "d", "mode": "0700"])
            #expect(try await find(["path": "d", "mode": "0700"]) == created)
            #expect(try await find(["path": "d", "mode": "0755"]) == nil)
            #expect(try await find([:]) == nil)
        }
    }

    @Test("a malformed mode is invalid", arguments: [Value.string("rwx"), .string("0999"), .int(755)])
    func invalidMode(mode: Value) async throws {
        try await Support.withTemporaryDirectory { base in
            let error = await #expect(throws: ProviderError.self) {
                try await create(DirectoryProvider(baseDirectory: base), ["path": "d", "mode": mode])
            }
            #expect(error?.errorClass == .invalid)
            #expect(Support.info(base.path + "/d") == nil)
        }
    }
}
