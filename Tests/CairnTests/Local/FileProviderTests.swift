import Cairn
import CairnProviders
import Foundation
import Testing

@Suite("FileProvider")
struct FileProviderTests {
    typealias Support = LocalTestSupport

    /// SHA-256 of "hello\n".
    static let helloDigest = "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"

    private func create(_ provider: FileProvider, _ properties: [String: Value]) async throws -> ResourceSnapshot {
        try await provider.create(
            CreateRequest(context: Support.context("file"), properties: properties, idempotencyKey: Support.key))
    }

    private func update(
        _ provider: FileProvider, _ prior: ResourceSnapshot, _ properties: [String: Value]
    ) async throws -> ResourceSnapshot {
        try await provider.update(
            UpdateRequest(
                context: Support.context("file"), id: prior.id, prior: prior.properties, properties: properties,
                changed: properties.keys.filter { properties[$0] != prior.properties[$0] }, idempotencyKey: Support.key)
        )
    }

    @Test(
        "create writes the content with the exact mode whatever the umask, and leaves no temporary file",
        arguments: ["0600", "0640", "0644", "0755", "0444"])
    func createWritesExactly(mode: String) async throws {
        try await Support.withTemporaryDirectory { base in
            let provider = FileProvider(baseDirectory: base)
            let snapshot = try await Support.withUmask(0o077) {
                try await create(provider, ["path": "conf/app.txt", "content": "hello\n", "mode": .string(mode)])
            }
            let path = base.path + "/conf/app.txt"
            #expect(Support.contents(path) == "hello\n")
            #expect(Support.info(path)?.mode == mode_t(UInt32(mode, radix: 8)!))
            #expect(try Support.names(in: base.appendingPathComponent("conf")) == ["app.txt"])
            #expect(snapshot.id == path)
            #expect(snapshot.outputs == ["path": .string(path), "sha256": .string(Self.helloDigest)])
            #expect(snapshot.properties == ["path": "conf/app.txt", "content": "hello\n", "mode": .string(mode)])
        }
    }

    @Test("an undeclared mode gives a new file 0644 even under umask 077")
    func defaultMode() async throws {
        try await Support.withTemporaryDirectory { base in
            let snapshot = try await Support.withUmask(0o077) {
                try await create(FileProvider(baseDirectory: base), ["path": "f", "content": ""])
            }
            #expect(Support.info(base.path + "/f")?.mode == 0o644)
            #expect(snapshot.properties == ["path": "f", "content": ""])
            #expect(snapshot.outputs["sha256"] == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        }
    }

    @Test("an update with the content and mode already on disk writes nothing: same inode, same mtime")
    func noWriteWhenUnchanged() async throws {
        try await Support.withTemporaryDirectory { base in
            let provider = FileProvider(baseDirectory: base)
            let properties: [String: Value] = ["path": "f", "content": "same", "mode": "0640"]
            let created = try await create(provider, properties)
            let before = try #require(Support.info(base.path + "/f"))
            let again = try await update(provider, created, properties)
            _ = try await create(provider, properties)
            #expect(Support.info(base.path + "/f") == before)
            #expect(again == created)
        }
    }

    @Test("a content change replaces the file by rename (a hard link to the old one keeps the old text)")
    func updateReplacesAtomically() async throws {
        try await Support.withTemporaryDirectory { base in
            let provider = FileProvider(baseDirectory: base)
            let created = try await create(provider, ["path": "f", "content": "old", "mode": "0600"])
            let before = try #require(Support.info(base.path + "/f"))
            #expect(link(base.path + "/f", base.path + "/old-link") == 0)
            let updated = try await update(provider, created, ["path": "f", "content": "hello\n", "mode": "0600"])
            #expect(Support.contents(base.path + "/f") == "hello\n")
            #expect(Support.contents(base.path + "/old-link") == "old")
            #expect(Support.info(base.path + "/f")?.inode != before.inode)
            #expect(Support.info(base.path + "/f")?.mode == 0o600)
            #expect(updated.outputs["sha256"] == .string(Self.helloDigest))
            #expect(try Support.names(in: base) == ["f", "old-link"])
        }
    }

    @Test("a mode-only change sets the mode in place without rewriting")
    func modeOnlyChange() async throws {
        try await Support.withTemporaryDirectory { base in
            let provider = FileProvider(baseDirectory: base)
            let created = try await create(provider, ["path": "f", "content": "x", "mode": "0644"])
            let before = try #require(Support.info(base.path + "/f"))
            let updated = try await update(provider, created, ["path": "f", "content": "x", "mode": "0600"])
            let after = try #require(Support.info(base.path + "/f"))
            #expect(after.mode == 0o600)
            #expect(after.inode == before.inode)
            #expect(updated.properties["mode"] == "0600")
        }
    }

    @Test("a rewrite keeps an existing file's mode when none is declared")
    func rewriteKeepsUndeclaredMode() async throws {
        try await Support.withTemporaryDirectory { base in
            try Support.writeFile("old", to: base.path + "/f")
            #expect(chmod(base.path + "/f", 0o751) == 0)
            _ = try await create(FileProvider(baseDirectory: base), ["path": "f", "content": "new"])
            #expect(Support.contents(base.path + "/f") == "new")
            #expect(Support.info(base.path + "/f")?.mode == 0o751)
        }
    }

    @Test("read gives the content and mode on disk, and nil when the file is missing")
    func read() async throws {
        try await Support.withTemporaryDirectory { base in
            let provider = FileProvider(baseDirectory: base)
            let missing = ReadRequest(context: Support.context("file"), id: base.path + "/f", properties: ["path": "f"])
            #expect(try await provider.read(missing) == nil)
            let created = try await create(provider, ["path": "f", "content": "v1", "mode": "644"])
            let request = ReadRequest(context: Support.context("file"), id: created.id, properties: created.properties)
            #expect(try await provider.read(request) == created)
            try Support.writeFile("edited", to: base.path + "/f")
            let drifted = try #require(try await provider.read(request))
            #expect(drifted.properties == ["path": "f", "content": "edited", "mode": "644"])
            #expect(drifted.outputs["sha256"] == .string(Digest.sha256Hex(Data("edited".utf8))))
        }
    }

    @Test("delete removes the file; a missing file is fine; a folder in its place is a conflict")
    func delete() async throws {
        try await Support.withTemporaryDirectory { base in
            let provider = FileProvider(baseDirectory: base)
            let created = try await create(provider, ["path": "f", "content": "x"])
            let request = DeleteRequest(
                context: Support.context("file"), id: created.id, properties: created.properties,
                idempotencyKey: Support.key)
            try await provider.delete(request)
            #expect(Support.info(base.path + "/f") == nil)
            try await provider.delete(request)
            #expect(mkdir(base.path + "/f", 0o755) == 0)
            let error = await #expect(throws: ProviderError.self) { try await provider.delete(request) }
            #expect(error?.errorClass == .conflict)
            #expect(Support.info(base.path + "/f")?.isDirectory == true)
        }
    }

    @Test("create where a folder sits is a conflict")
    func folderInTheWay() async throws {
        try await Support.withTemporaryDirectory { base in
            #expect(mkdir(base.path + "/f", 0o755) == 0)
            let error = await #expect(throws: ProviderError.self) {
                try await create(FileProvider(baseDirectory: base), ["path": "f", "content": "x"])
            }
            #expect(error?.errorClass == .conflict)
            #expect(error?.message.contains("directory is in its place") == true)
        }
    }

    @Test("find answers the file only when it already holds the declared content and mode")
    func find() async throws {
        try await Support.withTemporaryDirectory { base in
            let provider = FileProvider(baseDirectory: base)
            func find(_ properties: [String: Value]) async throws -> ResourceSnapshot? {
                try await provider.find(
                    FindRequest(context: Support.context("file"), idempotencyKey: Support.key, properties: properties))
            }
            let properties: [String: Value] = ["path": "f", "content": "x", "mode": "0600"]
            #expect(try await find(properties) == nil)
            let created = try await create(provider, properties)
            #expect(try await find(properties) == created)
            #expect(try await find(["path": "f", "content": "y", "mode": "0600"]) == nil)
            #expect(try await find(["path": "f", "content": "x", "mode": "0644"]) == nil)
            #expect(try await find([:]) == nil)
        }
    }

    @Test(
        "malformed properties are invalid and write nothing",
        arguments: [
            ["path": "f", "content": 42] as [String: Value],
            ["path": "f"],
            ["path": "f", "content": "x", "mode": "0888"],
            ["content": "x"],
            ["path": "", "content": "x"],
        ])
    func invalidProperties(properties: [String: Value]) async throws {
        try await Support.withTemporaryDirectory { base in
            let error = await #expect(throws: ProviderError.self) {
                try await create(FileProvider(baseDirectory: base), properties)
            }
            #expect(error?.errorClass == .invalid)
            let names = try Support.names(in: base)
            #expect(names.isEmpty)
        }
    }
}

@Suite("Digest")
struct DigestTests {
    @Test(
        "sha256Hex matches the published test vectors",
        arguments: [
            ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
            ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ])
    func vectors(input: String, hex: String) {
        #expect(Digest.sha256Hex(Data(input.utf8)) == hex)
    }
}
