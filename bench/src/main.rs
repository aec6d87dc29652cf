//! `livechat-bench`: runs the named benchmark scenarios against the livechat server, with the
//! ceilings of this machine beside them, and writes a Markdown report and a chart.

mod api;
mod ceilings;
mod chart;
mod ddp;
mod load;
mod report;
mod scenarios;
mod server;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};
use indicatif::MultiProgress;

use report::{BackendResults, Results};
use scenarios::{Ctx, Params};
use server::{Backend, Launcher};

#[derive(Parser)]
#[command(
    name = "livechat-bench",
    about = "Benchmarks of the livechat server, with this machine's ceilings beside them"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Cmd>,
    #[command(flatten)]
    run: RunArgs,
}

#[derive(Subcommand)]
enum Cmd {
    /// (internal) serve the bare HTTP and WebSocket ceilings until killed
    #[command(hide = true)]
    ServeCeiling {
        #[arg(long)]
        bind: SocketAddr,
    },
    /// (internal) open and hold extra visitor sockets for the hold test
    #[command(hide = true)]
    Hold {
        #[arg(long)]
        server: SocketAddr,
        #[arg(long)]
        count: usize,
        #[arg(long)]
        first: usize,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Scenario {
    Flow,
    Write,
    Fanout,
    Routing,
    Cold,
    Logins,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum BackendArg {
    Sqlite,
    Postgres,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Profile {
    /// the full set the report is written from (about 10 minutes)
    Standard,
    /// a tiny run that only checks the tool works
    Smoke,
}

#[derive(clap::Args)]
struct RunArgs {
    /// Sizes and durations of the run.
    #[arg(long, value_enum, default_value = "standard")]
    profile: Profile,
    /// Scenarios to run (default: all).
    #[arg(long, value_enum, value_delimiter = ',')]
    scenarios: Vec<Scenario>,
    /// Database backends (default: both).
    #[arg(long, value_enum, value_delimiter = ',')]
    backends: Vec<BackendArg>,
    /// The server binary to run as a child process.
    #[arg(long, default_value = "target/release/livechat")]
    server_bin: PathBuf,
    /// Build the server binary first (`cargo build --release -p livechat`).
    #[arg(long)]
    build: bool,
    /// Run the server inside this process instead (smoke test; no memory or start-up figures).
    #[arg(long)]
    in_process: bool,
    /// A PostgreSQL URL allowed to create and drop the scenarios' databases.
    #[arg(
        long,
        env = "LIVECHAT_BENCH_POSTGRES_URL",
        default_value = "postgres://postgres@127.0.0.1:5432/test"
    )]
    postgres_url: String,
    /// Where the report (`BENCHMARKS.md`), the chart and the raw results go.
    #[arg(long, default_value = "docs")]
    out: PathBuf,
    /// No progress bars (logs and CI).
    #[arg(long)]
    quiet: bool,
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    // Tens of thousands of sockets: as many open files as this process may have.
    let file_limit = rlimit::increase_nofile_limit(u64::MAX).unwrap_or(1024);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        match cli.command {
            Some(Cmd::ServeCeiling { bind }) => ceilings::serve(bind).await,
            Some(Cmd::Hold {
                server,
                count,
                first,
            }) => scenarios::fanout::hold_helper(server, count, first).await,
            None => run(cli.run, file_limit).await,
        }
    })
}

async fn run(args: RunArgs, file_limit: u64) -> anyhow::Result<()> {
    let all = [
        Scenario::Flow,
        Scenario::Write,
        Scenario::Fanout,
        Scenario::Routing,
        Scenario::Cold,
        Scenario::Logins,
    ];
    let wanted: Vec<Scenario> = if args.scenarios.is_empty() {
        all.to_vec()
    } else {
        args.scenarios.clone()
    };
    let backends: Vec<Backend> = if args.backends.is_empty() {
        vec![Backend::Sqlite, Backend::Postgres]
    } else {
        args.backends
            .iter()
            .map(|b| match b {
                BackendArg::Sqlite => Backend::Sqlite,
                BackendArg::Postgres => Backend::Postgres,
            })
            .collect()
    };
    if args.build && !args.in_process {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let status = std::process::Command::new(cargo)
            .args(["build", "--release", "-p", "livechat", "--bin", "livechat"])
            .status()
            .context("running cargo build")?;
        anyhow::ensure!(status.success(), "building the server failed");
    }
    let binary = if args.in_process {
        None
    } else {
        ceilings::check_binary(&args.server_bin)?;
        Some(std::fs::canonicalize(&args.server_bin)?)
    };
    let work_dir = std::env::temp_dir().join(format!("livechat-bench-{}", std::process::id()));
    std::fs::create_dir_all(&work_dir)?;
    std::fs::create_dir_all(&args.out)?;
    let params = match args.profile {
        Profile::Standard => Params::standard(),
        Profile::Smoke => Params::smoke(),
    };
    let bars = MultiProgress::new();
    if args.quiet {
        bars.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    let ctx = Ctx {
        launcher: Launcher {
            binary: binary.clone(),
            work_dir: work_dir.clone(),
            postgres_admin: args.postgres_url.clone(),
        },
        params,
        bars,
    };
    let mut results = Results {
        command: command_line(),
        profile: format!(
            "profile {}",
            if args.profile == Profile::Standard {
                "standard"
            } else {
                "smoke"
            }
        ),
        concurrency: ctx.params.curve.concurrency,
        date: shell("date -u '+%Y-%m-%d %H:%M UTC'"),
        machine: machine(),
        load_before: load_average(),
        binary: binary
            .as_ref()
            .map(|_| args.server_bin.display().to_string()),
        binary_bytes: binary
            .as_ref()
            .and_then(|b| std::fs::metadata(b).ok())
            .map(|m| m.len()),
        ..Results::default()
    };
    let note = |results: &mut Results, what: &str, err: anyhow::Error| {
        eprintln!("{what} failed: {err:#}");
        results.failures.push(format!("{what}: {err:#}"));
    };
    eprintln!("ceilings: HTTP");
    match scenarios::limits::http(&ctx).await {
        Ok(curve) => results.http_ceiling = Some(curve),
        Err(err) => note(&mut results, "HTTP ceiling", err),
    }
    if wanted.contains(&Scenario::Fanout) {
        eprintln!("ceilings: WebSocket echo");
        match scenarios::limits::socket(&ctx).await {
            Ok(socket) => results.socket_ceiling = Some(socket),
            Err(err) => note(&mut results, "socket ceiling", err),
        }
    }
    for backend in backends {
        let name = backend.name();
        if backend == Backend::Postgres {
            if let Err(err) = server::Database::create(&ctx.launcher, backend)
                .await
                .map(|db| tokio::spawn(db.drop_now()))
            {
                note(
                    &mut results,
                    "PostgreSQL",
                    err.context("no PostgreSQL server to benchmark against"),
                );
                continue;
            }
        }
        let mut b = BackendResults {
            backend,
            storage_ceiling: None,
            flow: None,
            write: None,
            fanout: None,
            routing: None,
            cold: None,
            logins: None,
        };
        eprintln!("{name}: storage ceiling");
        let writers = 8; // the server's default pool size
        match ceilings::storage(
            &ctx.launcher,
            backend,
            ctx.params.curve.saturation_time,
            writers,
        )
        .await
        {
            Ok(rate) => b.storage_ceiling = Some(rate),
            Err(err) => note(&mut results, &format!("{name} storage ceiling"), err),
        }
        if wanted.contains(&Scenario::Flow) {
            eprintln!("{name}: 1. visitor flow");
            match scenarios::flow::run(&ctx, backend).await {
                Ok(r) => b.flow = Some(r),
                Err(err) => note(&mut results, &format!("{name} visitor flow"), err),
            }
        }
        if wanted.contains(&Scenario::Write) {
            eprintln!("{name}: 2. message write path");
            match scenarios::write::run(&ctx, backend).await {
                Ok(r) => b.write = Some(r),
                Err(err) => note(&mut results, &format!("{name} write path"), err),
            }
        }
        if wanted.contains(&Scenario::Fanout) {
            eprintln!("{name}: 3. realtime fan-out");
            match scenarios::fanout::run(&ctx, backend, file_limit).await {
                Ok(r) => b.fanout = Some(r),
                Err(err) => note(&mut results, &format!("{name} fan-out"), err),
            }
        }
        if wanted.contains(&Scenario::Routing) {
            eprintln!("{name}: 4. routing");
            match scenarios::routing::run(&ctx, backend).await {
                Ok(r) => b.routing = Some(r),
                Err(err) => note(&mut results, &format!("{name} routing"), err),
            }
        }
        if wanted.contains(&Scenario::Cold) {
            eprintln!("{name}: 5. cold facts");
            match scenarios::cold::run(&ctx, backend).await {
                Ok(r) => b.cold = r,
                Err(err) => note(&mut results, &format!("{name} cold facts"), err),
            }
        }
        if wanted.contains(&Scenario::Logins) {
            eprintln!("{name}: 6. memory under logins");
            match scenarios::logins::run(&ctx, backend).await {
                Ok(r) => b.logins = r,
                Err(err) => note(&mut results, &format!("{name} logins"), err),
            }
        }
        results.backends.push(b);
    }
    results.load_after = load_average();
    let chart_file = "benchmarks-latency.svg";
    std::fs::write(args.out.join(chart_file), results.chart())?;
    std::fs::write(args.out.join("BENCHMARKS.md"), results.markdown(chart_file))?;
    std::fs::write(
        args.out.join("benchmarks.json"),
        serde_json::to_string_pretty(&results)?,
    )?;
    let _ = std::fs::remove_dir_all(&work_dir);
    tokio::time::sleep(Duration::from_millis(10)).await;
    eprintln!(
        "report written to {}",
        args.out.join("BENCHMARKS.md").display()
    );
    anyhow::ensure!(
        results.failures.is_empty(),
        "{} scenario(s) failed",
        results.failures.len()
    );
    Ok(())
}

fn command_line() -> String {
    let args: Vec<String> = std::env::args().skip(1).collect();
    format!(
        "cargo run --release -p livechat-bench -- {}",
        args.join(" ")
    )
}

fn shell(command: &str) -> String {
    std::process::Command::new("sh")
        .args(["-c", command])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default()
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

fn machine() -> Vec<(String, String)> {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines().find_map(|l| {
                l.strip_prefix("model name")
                    .map(|m| m.trim_start_matches([' ', '\t', ':']).to_string())
            })
        })
        .unwrap_or_default();
    vec![
        ("CPU".into(), cpu),
        ("cores (`nproc`)".into(), shell("nproc")),
        (
            "memory (`free -g`, total GiB)".into(),
            shell("free -g | awk '/Mem:/ {print $2}'"),
        ),
        ("kernel".into(), shell("uname -sr")),
        ("open-file limit per process".into(), shell("ulimit -Hn")),
    ]
}
