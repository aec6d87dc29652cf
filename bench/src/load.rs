//! The load engine: open-loop runs at a fixed offered rate, and closed-loop runs that find the
//! saturation throughput.
//!
//! Open loop avoids coordinated omission: request `i` is due at `start + i / rate`, whether or
//! not earlier ones have answered, and its latency is measured from that due time. A server
//! that stalls for 100 ms therefore shows 100 ms of latency on every request that fell due
//! during the stall, instead of the one slow request a closed loop would record.

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;
use indicatif::ProgressBar;
use serde::Serialize;
use tokio::sync::Semaphore;

/// Latencies in microseconds, 1 µs to 60 s, 3 significant digits.
pub fn histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 60_000_000, 3).expect("valid histogram bounds")
}

/// A histogram several tasks record into.
#[derive(Clone)]
pub struct Recorder(Arc<Mutex<Histogram<u64>>>);

impl Default for Recorder {
    fn default() -> Self {
        Recorder(Arc::new(Mutex::new(histogram())))
    }
}

impl Recorder {
    pub fn record(&self, latency: Duration) {
        let micros = (latency.as_micros() as u64).clamp(1, 60_000_000);
        let mut hist = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let _ = hist.record(micros);
    }

    pub fn snapshot(&self) -> Histogram<u64> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    pub fn summary(&self) -> Latency {
        Latency::of(&self.snapshot())
    }
}

/// Percentiles of a histogram, in milliseconds.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Latency {
    pub count: u64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub p999_ms: f64,
    pub max_ms: f64,
}

impl Latency {
    pub fn of(hist: &Histogram<u64>) -> Latency {
        let ms = |micros: u64| micros as f64 / 1000.0;
        if hist.is_empty() {
            return Latency::default();
        }
        Latency {
            count: hist.len(),
            p50_ms: ms(hist.value_at_quantile(0.50)),
            p99_ms: ms(hist.value_at_quantile(0.99)),
            p999_ms: ms(hist.value_at_quantile(0.999)),
            max_ms: ms(hist.max()),
        }
    }
}

/// One step of a latency-against-load curve.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Step {
    /// Requests per second asked for.
    pub offered: f64,
    /// Successful answers per second obtained.
    pub achieved: f64,
    pub ok: u64,
    pub errors: u64,
    pub latency: Latency,
}

/// Runs `op(i, due)` at `rate` per second for `duration`, each measured from its due time.
/// `op` returns whether the request succeeded. At most `max_in_flight` run at once (a
/// request waiting for a slot still counts its wait as latency).
pub async fn open_loop<F, Fut>(
    rate: f64,
    duration: Duration,
    max_in_flight: usize,
    progress: &ProgressBar,
    op: F,
) -> Step
where
    F: Fn(u64, Instant) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = bool> + Send + 'static,
{
    let total = (rate * duration.as_secs_f64()).round().max(1.0) as u64;
    let recorder = Recorder::default();
    let errors = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let slots = Arc::new(Semaphore::new(max_in_flight));
    let op = Arc::new(op);
    let start = Instant::now();
    let interval = Duration::from_secs_f64(1.0 / rate);
    for i in 0..total {
        let due = start + interval.mul_f64(i as f64);
        tokio::time::sleep_until(due.into()).await;
        let permit = slots.clone().acquire_owned().await.expect("open semaphore");
        let (op, recorder, errors, progress) = (
            op.clone(),
            recorder.clone(),
            errors.clone(),
            progress.clone(),
        );
        tokio::spawn(async move {
            let ok = op(i, due).await;
            if ok {
                recorder.record(due.elapsed());
            } else {
                errors.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
            progress.inc(1);
            drop(permit);
        });
    }
    // Wait for the stragglers: every slot free again.
    let _all = slots.acquire_many(max_in_flight as u32).await;
    let elapsed = start.elapsed().as_secs_f64();
    let latency = recorder.summary();
    Step {
        offered: rate,
        achieved: latency.count as f64 / elapsed,
        ok: latency.count,
        errors: errors.load(std::sync::atomic::Ordering::Relaxed),
        latency,
    }
}

/// Keeps `concurrency` requests in flight for `duration` (a closed loop): the most the server
/// answers per second. Latencies here are service times under saturation, not user latency.
pub async fn closed_loop<F, Fut>(
    concurrency: usize,
    duration: Duration,
    progress: &ProgressBar,
    op: F,
) -> Step
where
    F: Fn(u64, Instant) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = bool> + Send + 'static,
{
    let recorder = Recorder::default();
    let errors = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let counter = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let op = Arc::new(op);
    let start = Instant::now();
    let deadline = start + duration;
    let workers: Vec<_> = (0..concurrency)
        .map(|_| {
            let (op, recorder, errors, counter, progress) = (
                op.clone(),
                recorder.clone(),
                errors.clone(),
                counter.clone(),
                progress.clone(),
            );
            tokio::spawn(async move {
                while Instant::now() < deadline {
                    let i = counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let sent = Instant::now();
                    if op(i, sent).await {
                        recorder.record(sent.elapsed());
                    } else {
                        errors.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    }
                    progress.inc(1);
                }
            })
        })
        .collect();
    for worker in workers {
        let _ = worker.await;
    }
    let elapsed = start.elapsed().as_secs_f64();
    let latency = recorder.summary();
    Step {
        offered: 0.0,
        achieved: latency.count as f64 / elapsed,
        ok: latency.count,
        errors: errors.load(std::sync::atomic::Ordering::Relaxed),
        latency,
    }
}

/// The saturation throughput, then an open-loop step at each fraction of it: the latency
/// against offered load curve.
///
/// `server` is the serving process, whose CPU time during the saturation loop is divided by
/// its answers: a cost per request that, unlike throughput, hardly depends on what else the
/// machine runs meanwhile.
pub async fn curve<F, Fut>(
    plan: &CurvePlan,
    label: &str,
    progress: &ProgressBar,
    server: Option<u32>,
    op: F,
) -> Curve
where
    F: Fn(u64, Instant) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = bool> + Send + 'static,
{
    progress.set_message(format!("{label}: saturation (closed loop)"));
    let cpu_before = server.and_then(cpu_time);
    let saturation =
        closed_loop(plan.concurrency, plan.saturation_time, progress, op.clone()).await;
    let cpu_per_request_us = match (cpu_before, server.and_then(cpu_time)) {
        (Some(before), Some(after)) if saturation.ok > 0 => {
            Some((after - before).as_secs_f64() * 1e6 / saturation.ok as f64)
        }
        _ => None,
    };
    let mut steps = Vec::new();
    for fraction in &plan.fractions {
        let rate = (saturation.achieved * fraction).max(1.0);
        progress.set_message(format!("{label}: {rate:.0}/s open loop"));
        steps.push(
            open_loop(
                rate,
                plan.step_time,
                plan.max_in_flight,
                progress,
                op.clone(),
            )
            .await,
        );
    }
    Curve {
        saturation,
        cpu_per_request_us,
        steps,
    }
}

/// User plus system CPU time of process `pid` and all its threads so far
/// (`/proc/<pid>/stat`, in the kernel's 100 Hz clock ticks).
pub fn cpu_time(pid: u32) -> Option<Duration> {
    const TICKS_PER_SECOND: u64 = 100;
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The fields after the command name, which is in parentheses and may contain spaces:
    // utime and stime are the 14th and 15th fields of the line.
    let after_name = stat.rsplit_once(')')?.1;
    let mut fields = after_name.split_whitespace().skip(11);
    let user: u64 = fields.next()?.parse().ok()?;
    let system: u64 = fields.next()?.parse().ok()?;
    Some(Duration::from_millis(
        (user + system) * 1000 / TICKS_PER_SECOND,
    ))
}

/// How a curve is measured.
#[derive(Clone, Debug, Serialize)]
pub struct CurvePlan {
    pub concurrency: usize,
    pub saturation_time: Duration,
    pub fractions: Vec<f64>,
    pub step_time: Duration,
    pub max_in_flight: usize,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Curve {
    pub saturation: Step,
    /// The server's CPU time per answered request in the saturation loop, in µs.
    pub cpu_per_request_us: Option<f64>,
    pub steps: Vec<Step>,
}

impl Curve {
    /// The step nearest to `fraction` of saturation.
    pub fn at_fraction(&self, fraction: f64) -> Option<&Step> {
        let target = self.saturation.achieved * fraction;
        self.steps.iter().min_by(|a, b| {
            (a.offered - target)
                .abs()
                .total_cmp(&(b.offered - target).abs())
        })
    }
}
