/// Flag values read from a file (`cairn plan --flags-file FILE`): a YAML or JSON map from flag
/// names to `true` or `false`, such as `{ "cdn": true, "big": false }`.
///
/// The file only holds what it says; ``SpecLoader`` checks it against the spec's `flags:`
/// (an undeclared flag or a value that is not a boolean is an error, with the file's line and
/// column). Read one with ``SpecLoader/loadFlags(file:)`` or ``SpecLoader/loadFlags(text:fileName:)``.
public struct FlagFile: Sendable {
    /// One value from the file, and where it is written.
    public struct Entry: Sendable, Hashable {
        /// The value as written (a boolean unless the file is wrong).
        public var value: Value
        /// Where the flag's name is written.
        public var location: SourceLocation

        /// An entry with `value`, written at `location`.
        public init(value: Value, location: SourceLocation) {
            self.value = value
            self.location = location
        }
    }

    /// The file's name, as messages show it.
    public var source: String
    /// The values by flag name.
    public var entries: [String: Entry]

    /// A file named `source` holding `entries`.
    public init(source: String, entries: [String: Entry]) {
        self.source = source
        self.entries = entries
    }
}
