import ArgumentParser
import Foundation

/// buddi's version, as `--version` prints it and CHANGELOG.md names it.
package let buddiVersion = "0.1.0"

extension AsyncParsableCommand {
    /// Runs the command line as `root`: help, usage and validation errors the way ArgumentParser
    /// prints them; any other error as one line on stderr, named after the command, and exit 1.
    package static func runAsRoot() async {
        let command: ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            exit(withError: error)
        }
        do {
            var command = command
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch where String(reflecting: type(of: error)).hasPrefix("ArgumentParser.") {
            exit(withError: error)
        } catch {
            let name = configuration.commandName ?? "buddi"
            FileHandle.standardError.write(Data("\(name): \(CLIError.oneLine(error))\n".utf8))
            Foundation.exit(1)
        }
    }
}
