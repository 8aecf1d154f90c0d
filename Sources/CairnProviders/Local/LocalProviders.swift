import Cairn
import Foundation

/// The providers of local resources (`directory`, `file`, `command`), made together.
public enum LocalProviders {
    /// One of each local provider, resolving relative paths against `baseDirectory` (the
    /// spec's folder), ready to register in a ``ProviderRegistry``.
    public static func all(
        baseDirectory: URL, command: CommandProvider.Configuration = CommandProvider.Configuration(),
        environment: [String: String] = ProcessInfo.processInfo.environment,
        clock: any Clock<Duration> = ContinuousClock()
    ) -> [any Provider] {
        [
            DirectoryProvider(baseDirectory: baseDirectory),
            FileProvider(baseDirectory: baseDirectory),
            CommandProvider(
                baseDirectory: baseDirectory, configuration: command, environment: environment, clock: clock),
        ]
    }
}
