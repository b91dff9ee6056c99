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
              SHEBAO_HTTP_HOST/PORT   where serve listens (default 127.0.0.1:8080)
              SHEBAO_TLS_CERTIFICATE  PEM certificate chain; with SHEBAO_TLS_KEY, serve HTTPS
              SHEBAO_HANDLER_THREADS  handler threads per worker (default 16)
              SHEBAO_DB_POOL_SIZE     database connections per worker (default 16)
              SHEBAO_ACCESS_LOG       0 turns the per-request log line off
              SHEBAO_BENCHMARK_ROUTES 1 adds /plaintext, /json and /db
              SHEBAO_SMS_LOG          the scheduler's development SMS log (one line per SMS)
              SHEBAO_AUDIT_ANCHOR_FILE  where the scheduler writes the audit chain's head
              SHEBAO_SCHEDULER_METRICS_PORT  the scheduler's /healthz and /metrics port
              SHEBAO_URL, SHEBAO_TOKEN  the server and the session `shebao disburse` uses
            """,
        subcommands: [
            ServeCommand.self, WorkerCommand.self, SchedulerCommand.self, MigrateCommand.self, AdminCommand.self,
            AuditCommand.self,
            DisburseCommand.self,
            DevCommand.self,
            ClusterCommand.self,
        ]
    )
}
