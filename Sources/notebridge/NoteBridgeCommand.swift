import ArgumentParser

/// `notebridge`: the EHR integration gateway's command line.
@main
struct NoteBridgeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notebridge",
        abstract: "NoteBridge: an EHR integration gateway that writes SOAP notes.",
        subcommands: [
            ServeCommand.self, NoteCommand.self, HL7Command.self, SendCommand.self, JournalCommand.self,
            OutboxCommand.self, StoreCommand.self, KeysCommand.self, DataKeysCommand.self,
            AuditCommand.self,
            BenchCommand.self, CodesCommand.self, FHIRCommand.self, MappingsCommand.self, TranscribeCommand.self,
        ])
}
