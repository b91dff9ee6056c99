import ArgumentParser

/// The `shebao` command line: one executable, several roles.
@main
struct Shebao: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shebao",
        abstract: "Shebao (社保): social-insurance business-handling server.",
        discussion: """
            Configuration comes from the environment:
              DATABASE_URL            the application's database (postgresql://user:password@host:port/db)
              MIGRATION_DATABASE_URL  the user that runs migrations (default: DATABASE_URL)
              SHEBAO_SQL_DIR          the folder of migration files (default: ./sql, or the checkout's sql/)
            """,
        subcommands: [MigrateCommand.self, DevCommand.self, ClusterCommand.self]
    )
}
