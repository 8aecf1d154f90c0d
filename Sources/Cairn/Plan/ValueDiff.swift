/// Field-level differences between two property maps, as `path` / `before` / `after` leaves.
enum ValueDiff {
    /// Differences between `before` and `after`, descending into maps (`a.b`) and into lists
    /// of equal length (`a[0]`); other lists are compared whole.
    static func diff(_ before: Value?, _ after: Value?, path: String, into out: inout [Plan.FieldDiff]) {
        if before == after { return }
        switch (before, after) {
        case (.map(let b)?, .map(let a)?):
            for key in Set(b.keys).union(a.keys).sorted() {
                diff(b[key], a[key], path: path.isEmpty ? key : "\(path).\(key)", into: &out)
            }
        case (.list(let b)?, .list(let a)?) where b.count == a.count:
            for i in b.indices { diff(b[i], a[i], path: "\(path)[\(i)]", into: &out) }
        default:
            out.append(Plan.FieldDiff(path: path, before: before, after: after))
        }
    }

    /// The top-level property name of a diff path (`ingress[0].port` -> `ingress`).
    static func topLevel(_ path: String) -> String {
        String(path.prefix { $0 != "." && $0 != "[" })
    }
}
