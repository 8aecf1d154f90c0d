import Cairn
import CairnTesting
import Testing

/// A registry with one type whose `zone` replaces on change and whose `size` may only grow.
func plannerRegistry() -> ProviderRegistry {
    ProviderRegistry([
        MemoryProvider(schemas: [
            ResourceSchema(
                type: "test.disk",
                properties: [
                    PropertySchema("size", .integer, required: true, growOnly: true),
                    PropertySchema("zone", .string, replaceOnChange: true),
                    PropertySchema("label", .string),
                    PropertySchema("secret", .string, sensitive: true),
                ], outputs: ["id"]),
            ResourceSchema(
                type: "test.vm",
                properties: [PropertySchema("disk_id", .string, replaceOnChange: true), PropertySchema("size", .string)],
                outputs: ["id", "address"]),
        ])
    ])
}

func record(_ address: String, _ type: String, _ properties: [String: Value], id: String? = nil, deps: [String] = []) -> RecordedResource {
    RecordedResource(address: address, type: type, id: id ?? "\(address)-1", properties: properties, outputs: [:], dependencies: deps)
}

@Suite("Planner")
struct PlannerTests {
    let planner = Planner(registry: plannerRegistry())

    func stack(_ resources: [Resource]) -> Stack { Stack(name: "s", resources: resources) }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var declared: [String: Value]
        var recorded: [String: Value]?
        var action: Plan.Action
        var paths: [String]
        var testDescription: String { name }
    }

    @Test("one resource, field by field", arguments: [
        Case(name: "new resource is created", declared: ["size": 10], recorded: nil, action: .create, paths: ["size"]),
        Case(name: "same properties are a no-op", declared: ["size": 10, "zone": "a"], recorded: ["size": 10, "zone": "a"], action: .noop, paths: []),
        Case(name: "growing is an update", declared: ["size": 20], recorded: ["size": 10], action: .update, paths: ["size"]),
        Case(name: "shrinking a grow-only field replaces", declared: ["size": 5], recorded: ["size": 10], action: .replace, paths: ["size"]),
        Case(name: "a replace-on-change field replaces", declared: ["size": 10, "zone": "b"], recorded: ["size": 10, "zone": "a"], action: .replace, paths: ["zone"]),
        Case(name: "a removed field is an update", declared: ["size": 10], recorded: ["size": 10, "label": "x"], action: .update, paths: ["label"]),
        Case(name: "nested maps diff by leaf", declared: ["size": 10, "label": ["a": 1, "b": 2]], recorded: ["size": 10, "label": ["a": 1, "b": 3]], action: .update, paths: ["label.b"]),
        Case(name: "equal-length lists diff by element", declared: ["size": 10, "label": [1, 2, 3]], recorded: ["size": 10, "label": [1, 9, 3]], action: .update, paths: ["label[1]"]),
    ])
    func single(_ c: Case) throws {
        let state = StackState(stack: "s", serial: 1, resources: c.recorded.map { ["d": record("d", "test.disk", $0)] } ?? [:])
        let plan = try planner.plan(stack([Resource(address: "d", type: "test.disk", properties: c.declared)]), state: state)
        let change = try #require(plan.change("d"))
        #expect(change.action == c.action)
        #expect(change.fields.map(\.path) == c.paths)
        #expect(plan.serial == 1)
    }

    @Test("a resource that is no longer declared is deleted, after the others")
    func deletion() throws {
        let state = StackState(stack: "s", resources: ["old": record("old", "test.disk", ["size": 1])])
        let plan = try planner.plan(stack([Resource(address: "new", type: "test.disk", properties: ["size": 1])]), state: state)
        #expect(plan.changes.map(\.action) == [.create, .delete])
        #expect(plan.summary.create == 1 && plan.summary.delete == 1)
    }

    @Test("deletions run dependents first")
    func deletionOrder() throws {
        let state = StackState(stack: "s", resources: [
            "disk": record("disk", "test.disk", ["size": 1]),
            "vm": record("vm", "test.vm", ["disk_id": "disk-1"], deps: ["disk"]),
        ])
        let plan = try planner.destroyPlan(stack: stack([]), state: state)
        #expect(plan.changes.map(\.address) == ["vm", "disk"])
        #expect(plan.isDestroy)
    }

    @Test("a reference to a resource being created is known after apply; to a replaced one it forces replacement")
    func knownAfterApply() throws {
        let vm = Resource(address: "vm", type: "test.vm", properties: ["disk_id": "${disk.id}", "size": "small"])
        let created = try planner.plan(stack([Resource(address: "disk", type: "test.disk", properties: ["size": 1]), vm]), state: StackState(stack: "s"))
        #expect(created.change("vm")?.fields.first { $0.path == "disk_id" }?.knownAfterApply == true)

        let state = StackState(stack: "s", resources: [
            "disk": record("disk", "test.disk", ["size": 1, "zone": "a"]),
            "vm": record("vm", "test.vm", ["disk_id": "disk-1", "size": "small"], deps: ["disk"]),
        ])
        let replaced = try planner.plan(
            stack([Resource(address: "disk", type: "test.disk", properties: ["size": 1, "zone": "b"]), vm]), state: state)
        #expect(replaced.change("disk")?.action == .replace)
        #expect(replaced.change("vm")?.action == .replace)

        let unchanged = try planner.plan(
            stack([Resource(address: "disk", type: "test.disk", properties: ["size": 1, "zone": "a"]), vm]), state: state)
        #expect(!unchanged.hasChanges)
    }

    @Test("prevent_destroy refuses a plan that would delete or replace")
    func preventDestroy() throws {
        var r = record("d", "test.disk", ["size": 10])
        r.lifecycle.preventDestroy = true
        let state = StackState(stack: "s", resources: ["d": r])
        #expect(throws: Diagnostics.self) { try planner.plan(stack([]), state: state) }
        let guarded = Resource(address: "d", type: "test.disk", properties: ["size": 1], lifecycle: .init(preventDestroy: true))
        #expect(throws: Diagnostics.self) { try planner.plan(stack([guarded]), state: state) }
    }

    @Test("sensitive fields are marked so no view prints them")
    func sensitive() throws {
        let plan = try planner.plan(
            stack([Resource(address: "d", type: "test.disk", properties: ["size": 1, "secret": "hunter2"])]), state: StackState(stack: "s"))
        #expect(plan.change("d")?.fields.first { $0.path == "secret" }?.sensitive == true)
    }

    @Test("a saved plan round-trips, and altered bytes are refused")
    func savedPlan() throws {
        let plan = try planner.plan(stack([Resource(address: "d", type: "test.disk", properties: ["size": 1])]), state: StackState(stack: "s", serial: 4))
        let data = try SavedPlan.encode(plan)
        #expect(try SavedPlan.decode(data, file: "p.plan") == plan)
        var altered = data
        altered[altered.count - 5] ^= 0x01
        #expect(throws: Diagnostics.self) { try SavedPlan.decode(altered, file: "p.plan") }
        #expect(throws: Diagnostics.self) { try SavedPlan.decode(Data("garbage".utf8), file: "p.plan") }
    }
}

import Foundation
