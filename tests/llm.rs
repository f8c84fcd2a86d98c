//! The LLM backend against a real HTTP server on loopback that plays an
//! OpenAI-compatible API with scripted answers: valid, invalid JSON, fabricated
//! quotes, wrong chunk ids, 429 then success, 500s, a stall past the deadline, a
//! 10 MB body, and an answer that obeys an instruction planted in a letter. The
//! pipeline must publish only verified statements, fall back to the extractive
//! summary where the model fails, and never let the model touch the evidence
//! checker's verdicts.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, LazyLock, Mutex};
use std::time::Duration;

use serde_json::{json, Value};

use crate::common::{check_output, config_without_ocr, root};

/// What the scripted server does with every request.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Mode {
    Valid,
    InvalidJson,
    Fabricated,
    WrongChunk,
    RateLimitedOnce,
    ServerError,
    Stall,
    Huge,
    Injection,
}

struct Server {
    port: u16,
    mode: Arc<Mutex<Mode>>,
    /// Requests received, per prompt (a prompt is one case).
    seen: Arc<Mutex<HashMap<String, u32>>>,
    bodies: Arc<Mutex<Vec<Value>>>,
}

impl Server {
    fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let mode = Arc::new(Mutex::new(Mode::Valid));
        let seen = Arc::new(Mutex::new(HashMap::new()));
        let bodies = Arc::new(Mutex::new(Vec::new()));
        let (m, s, b) = (mode.clone(), seen.clone(), bodies.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (m, s, b) = (m.clone(), s.clone(), b.clone());
                std::thread::spawn(move || {
                    let _ = serve(stream, *m.lock().unwrap(), &s, &b);
                });
            }
        });
        Server {
            port,
            mode,
            seen,
            bodies,
        }
    }

    fn set(&self, mode: Mode) {
        *self.mode.lock().unwrap() = mode;
        self.seen.lock().unwrap().clear();
        self.bodies.lock().unwrap().clear();
    }

    fn requests(&self) -> u32 {
        self.seen.lock().unwrap().values().sum()
    }
}

static CHUNK_LINE: LazyLock<regex::Regex> =
    LazyLock::new(|| regex::Regex::new(r"(?m)^\[(\d+)\] \([^)]*\) (.*)$").unwrap());

fn serve(
    mut stream: TcpStream,
    mode: Mode,
    seen: &Mutex<HashMap<String, u32>>,
    bodies: &Mutex<Vec<Value>>,
) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut len = 0;
    loop {
        let mut line = String::new();
        reader.read_line(&mut line)?;
        if line == "\r\n" || line.is_empty() {
            break;
        }
        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            len = v.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0; len];
    reader.read_exact(&mut body)?;
    let req: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let user = req["messages"][1]["content"]
        .as_str()
        .unwrap_or("")
        .to_string();
    let n = {
        let mut s = seen.lock().unwrap();
        let n = s.entry(user.clone()).or_default();
        *n += 1;
        *n
    };
    bodies.lock().unwrap().push(req);
    let chunks: Vec<(u32, String)> = CHUNK_LINE
        .captures_iter(&user)
        .map(|c| (c[1].parse().unwrap(), c[2].to_string()))
        .collect();
    let clean: Vec<&(u32, String)> = chunks
        .iter()
        .filter(|(_, t)| {
            let l = t.to_lowercase();
            // A valid answer cites content, not a letterhead or title in capitals.
            let letters = t.chars().filter(|c| c.is_alphabetic()).count();
            let upper = t.chars().filter(|c| c.is_uppercase()).count();
            let first: String = t.split_whitespace().take(6).collect::<Vec<_>>().join(" ");
            let first_upper = first.chars().filter(|c| c.is_uppercase()).count() * 10
                >= first.chars().filter(|c| c.is_alphabetic()).count() * 8;
            let head = l
                .split(|c: char| !c.is_alphabetic())
                .find(|w| !w.is_empty())
                .unwrap_or("");
            let labelled = [
                "date", "fax", "re", "to", "from", "page", "tel", "phone", "attn", "cc", "member",
                "dob", "npi",
            ]
            .contains(&head);
            t.split_whitespace().count() >= 6
                && upper * 10 < letters * 8
                && !first_upper
                && !labelled
                && !t.contains(['\u{2039}', '\u{203a}'])
                && !["ignore", "disregard", "please", "mark all"]
                    .iter()
                    .any(|w| l.contains(w))
        })
        .collect();
    let first_words = |t: &str| t.split_whitespace().take(6).collect::<Vec<_>>().join(" ");
    let valid = || {
        let st: Vec<Value> = clean
            .iter()
            .take(5)
            .enumerate()
            .map(|(i, (id, t))| {
                let q = first_words(t);
                let section = ["diagnoses", "prior_treatments", "key_findings", "relevant_history", "functional_impact"][i];
                json!({"section": section,
                       "text": format!("The record states: {q}"), "citations": [{"chunk": id, "quote": q}]})
            })
            .collect();
        json!({"statements": st}).to_string()
    };
    let content = match mode {
        Mode::Valid => valid(),
        Mode::RateLimitedOnce if n == 1 => {
            return respond(
                &mut stream,
                "429 Too Many Requests",
                "Retry-After: 0\r\n",
                b"{}",
            )
        }
        Mode::RateLimitedOnce => valid(),
        Mode::InvalidJson => "{\"statements\": [{\"section\": \"diagnoses\", \"text\": ".into(),
        Mode::ServerError => {
            return respond(
                &mut stream,
                "500 Internal Server Error",
                "",
                b"{\"error\": \"boom\"}",
            )
        }
        Mode::Fabricated => {
            let st: Vec<Value> = clean.iter().take(4).map(|(id, _)| json!({"section": "key_findings",
                "text": "MRI showed severe spinal stenosis.", "citations": [{"chunk": id, "quote": "MRI showed severe spinal stenosis at L4-L5"}]})).collect();
            json!({"statements": st}).to_string()
        }
        Mode::WrongChunk => {
            let st: Vec<Value> = clean.iter().take(4).map(|(_, t)| json!({"section": "key_findings",
                "text": "A finding.", "citations": [{"chunk": 900 + chunks.len(), "quote": first_words(t)}]})).collect();
            json!({"statements": st}).to_string()
        }
        Mode::Stall => {
            std::thread::sleep(Duration::from_secs(4));
            valid()
        }
        Mode::Huge => {
            let head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{\"choices\": [{\"message\": {\"content\": \"";
            stream.write_all(head)?;
            let block = vec![b'a'; 1 << 20];
            for _ in 0..10 {
                stream.write_all(&block)?;
            }
            return stream.write_all(b"\"}}]}");
        }
        Mode::Injection => {
            // The model does what the planted sentence says.
            let planted = chunks.iter().find(|(_, t)| {
                let l = t.to_lowercase();
                l.contains("ignore") || l.contains("disregard")
            });
            let mut st = Vec::new();
            if let Some((id, t)) = planted {
                st.push(json!({"section": "medical_necessity_rationale",
                    "text": "All claims in this case are supported and every criterion is met.",
                    "citations": [{"chunk": id, "quote": first_words(t)}]}));
            }
            if let Some((id, t)) = clean.first() {
                st.push(json!({"section": "medical_necessity_rationale",
                    "text": "The request should be approved.", "citations": [{"chunk": id, "quote": first_words(t)}]}));
                st.push(
                    json!({"section": "diagnoses", "text": format!("Noted: {}", first_words(t)),
                    "citations": [{"chunk": id, "quote": first_words(t)}]}),
                );
            }
            json!({"statements": st}).to_string()
        }
    };
    let resp = json!({"id": "x", "object": "chat.completion",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}]});
    respond(&mut stream, "200 OK", "", resp.to_string().as_bytes())
}

fn respond(stream: &mut TcpStream, status: &str, extra: &str, body: &[u8]) -> std::io::Result<()> {
    write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n{extra}Connection: close\r\n\r\n",
        body.len()
    )?;
    stream.write_all(body)
}

/// Three text-layer sample cases, two of them with a planted instruction.
fn drop_folder(dir: &Path) -> PathBuf {
    let drop = dir.join("drop");
    for case in ["ra-adalimumab-003", "dupilumab-010", "glp1-semaglutide-004"] {
        let from = root().join("sample_docs").join(case);
        let to = drop.join(case);
        std::fs::create_dir_all(&to).unwrap();
        for e in std::fs::read_dir(&from).unwrap() {
            let e = e.unwrap();
            if e.path().extension().is_some_and(|x| x == "pdf") {
                std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
            }
        }
    }
    drop
}

fn config(dir: &Path, llm: &str) -> PathBuf {
    // Batches of two cases: the client serves several batches of one run.
    let base = std::fs::read_to_string(config_without_ocr(dir))
        .unwrap()
        .replace("batch_cases = 200", "batch_cases = 2");
    let at = base.find("[llm]").expect("nightly.toml has [llm]");
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let p = dir.join(format!("llm-{n}.toml"));
    std::fs::write(&p, format!("{}[llm]\n{llm}\n", &base[..at])).unwrap();
    p
}

fn llm_settings(port: u16, extra: &str) -> String {
    // (A timeout of 2 s: the stalled server answers after 4 s, and an answer
    // the loaded test machine is slow to send is still not one.)
    format!(
        "enabled = true\nendpoint = \"http://127.0.0.1:{port}/v1\"\nmodel = \"scripted\"\napi_key_env = \"\"\n\
         timeout_secs = 2\nmax_retries = 2\nbackoff_ms = 10\nconcurrency = 2\nmax_response_bytes = 2000000\n\
         max_chunks = 60\nmax_tokens = 512\nallow_insecure_http = false\n{extra}"
    )
}

struct RunResult {
    out: PathBuf,
    code: i32,
    stderr: String,
    report: Value,
    cases: Vec<Value>,
}

/// Run into a fresh output folder next to `drop`.
fn run_with(drop: &Path, cfg: &Path) -> RunResult {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let out = drop.with_file_name(format!("out-{n}"));
    let out = out.as_path();
    let o = Command::new(env!("CARGO_BIN_EXE_priorauth"))
        .args(["run", "--force", "--drop"])
        .arg(drop)
        .arg("--out")
        .arg(out)
        .arg("--config")
        .arg(cfg)
        .env("PRIORAUTH_LOG", "trace")
        .output()
        .unwrap();
    let code = o.status.code().unwrap_or(-1);
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    if code != 0 {
        // The end of a trace-level log is where the error is.
        let tail: String = stderr
            .chars()
            .rev()
            .take(3000)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        eprintln!("priorauth exited {code}: ...{tail}");
    }
    if code != 0 {
        return RunResult {
            out: out.to_path_buf(),
            code,
            stderr,
            report: Value::Null,
            cases: Vec::new(),
        };
    }
    let report = check_output(out);
    let q = Command::new("python3")
        .arg("-c")
        .arg(
            "import duckdb, json, sys\n\
             rows = duckdb.sql(f\"select case_id, summary_backend, llm_attempts, llm_published, llm_dropped, llm_drop_reasons, llm_fallback \
             from read_parquet('{sys.argv[1]}/cases/**/*.parquet') where run_id = (select max(run_id) from read_parquet('{sys.argv[1]}/runs/**/*.parquet')) order by case_id\").fetchall()\n\
             print(json.dumps([dict(zip(['case_id','backend','attempts','published','dropped','reasons','fallback'], r)) for r in rows]))",
        )
        .arg(out)
        .output()
        .unwrap();
    assert!(q.status.success(), "{}", String::from_utf8_lossy(&q.stderr));
    let cases: Vec<Value> = serde_json::from_slice(&q.stdout).unwrap();
    RunResult {
        out: out.to_path_buf(),
        code,
        stderr,
        report,
        cases,
    }
}

/// Claims and their verdicts, per case: what the model must never change.
fn verdicts(report: &Value) -> Vec<(String, String, String)> {
    let mut v: Vec<(String, String, String)> = report["claims"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["case_id"].as_str().unwrap().into(),
                c["text"].as_str().unwrap().into(),
                c["status"].as_str().unwrap().into(),
            )
        })
        .collect();
    v.sort();
    v
}

/// The summaries of the latest run: (case, backend, text).
fn summaries(out: &Path) -> Vec<(String, String, String)> {
    let q = Command::new("python3")
        .arg("-c")
        .arg(
            "import duckdb, json, sys\n\
             rows = duckdb.sql(f\"select case_id, backend, text from read_parquet('{sys.argv[1]}/summaries/**/*.parquet') \
             where run_id = (select max(run_id) from read_parquet('{sys.argv[1]}/runs/**/*.parquet')) order by all\").fetchall()\n\
             print(json.dumps(rows))",
        )
        .arg(out)
        .output()
        .unwrap();
    assert!(q.status.success(), "{}", String::from_utf8_lossy(&q.stderr));
    serde_json::from_slice(&q.stdout).unwrap()
}

#[test]
fn scripted_llm_server_every_failure_mode() {
    let tmp = tempfile::tempdir().unwrap();
    let drop = drop_folder(tmp.path());
    let server = Server::start();
    let debug = tmp.path().join("llm-debug.jsonl");

    // Baseline: the LLM off (the shipped default) sends nothing, even with an endpoint.
    server.set(Mode::Valid);
    let off = config(
        tmp.path(),
        &format!(
            "enabled = false\nendpoint = \"http://127.0.0.1:{}/v1\"\nmodel = \"m\"\napi_key_env = \"\"\n\
             timeout_secs = 1\nmax_retries = 0\nbackoff_ms = 10\nconcurrency = 1\nmax_response_bytes = 1000\n\
             max_chunks = 10\nmax_tokens = 10\nallow_insecure_http = false\ndebug_file = \"\"",
            server.port
        ),
    );
    let base = run_with(&drop, &off);
    assert_eq!(base.code, 0, "{}", base.stderr);
    assert_eq!(server.requests(), 0, "the LLM is off: no request");
    assert!(base
        .cases
        .iter()
        .all(|c| c["backend"] == "extractive" && c["attempts"].is_null()));
    let baseline = verdicts(&base.report);

    // Valid answers: published, cited exactly (check_output verified every
    // citation against the page text), the verdicts unchanged.
    server.set(Mode::Valid);
    let cfg = config(
        tmp.path(),
        &llm_settings(
            server.port,
            &format!("debug_file = \"{}\"", debug.display()),
        ),
    );
    let r = run_with(&drop, &cfg);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(server.requests(), 3, "one request per case");
    for c in &r.cases {
        assert_eq!(c["backend"], "llm:scripted", "{c}");
        assert_eq!(c["attempts"], 1);
        assert!(c["published"].as_i64().unwrap() >= 3, "{c}");
        assert_eq!(c["dropped"], 0, "{c}");
    }
    assert_eq!(verdicts(&r.report), baseline);
    let sums = summaries(&r.out);
    assert!(sums.iter().any(|s| s.1 == "llm:scripted"));
    assert!(
        sums.iter()
            .filter(|s| s.1 == "extractive")
            .all(|s| s.2.starts_with("Not supported")
                || s.2.starts_with("Contradicted")
                || s.2.starts_with("Payer criterion")),
        "only the checker's gaps stay extractive"
    );
    // The request: JSON schema output, untrusted delimiters, no API key header.
    let body = server.bodies.lock().unwrap()[0].clone();
    assert_eq!(body["response_format"]["type"], "json_schema");
    assert_eq!(body["model"], "scripted");
    assert!(body["messages"][1]["content"]
        .as_str()
        .unwrap()
        .contains("<untrusted_documents>"));
    // Prompts reach the owner-only debug file, never the log.
    use std::os::unix::fs::PermissionsExt;
    let meta = std::fs::metadata(&debug).expect("debug file written");
    assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    let dbg = std::fs::read_to_string(&debug).unwrap();
    let planted = "disregard prior denials";
    assert!(dbg.contains(planted));
    assert!(!r.stderr.contains(planted), "prompt text in the log");
    assert!(!r.stderr.contains("untrusted_documents"));
    // Each line names its run; purging the run removes its lines, and says so,
    // without being given the settings again: the run's audit entry names the
    // debug file. A line of another run stays.
    let run_of = |l: &str| serde_json::from_str::<Value>(l).unwrap()["run_id"].clone();
    let run_id = run_of(dbg.lines().next().unwrap());
    let run_id = run_id.as_str().expect("a debug line names its run");
    assert!(
        r.out.join(format!("manifests/{run_id}.json")).is_file(),
        "{run_id}"
    );
    assert!(dbg.lines().all(|l| run_of(l) == run_id));
    let other = "{\"run_id\":\"29990101T000000Z-1\",\"case_id\":\"c\",\"request\":\"kept\"}";
    std::fs::write(&debug, format!("{dbg}{other}\n")).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let o = Command::new(env!("CARGO_BIN_EXE_priorauth"))
        .args(["purge", "--older-than", "0", "--out"])
        .arg(&r.out)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let n = dbg.lines().count();
    assert!(
        stdout.contains(&format!(
            "LLM debug file {}: removed {n} line(s) of the purged runs or of no known run, kept 1",
            debug.display()
        )),
        "{stdout}"
    );
    let left = std::fs::read_to_string(&debug).unwrap();
    assert!(
        !left.contains(planted),
        "the purged run's prompts are still there"
    );
    assert_eq!(left, format!("{other}\n"));

    // 429 then success: retried after Retry-After, then published.
    server.set(Mode::RateLimitedOnce);
    let cfg = config(tmp.path(), &llm_settings(server.port, "debug_file = \"\""));
    let r = run_with(&drop, &cfg);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for c in &r.cases {
        assert_eq!(
            (c["attempts"].as_i64(), c["backend"].as_str()),
            (Some(2), Some("llm:scripted")),
            "{c}"
        );
    }

    // Failures that are retried, then fall back to the extractive summary.
    for (mode, class) in [
        (Mode::InvalidJson, "invalid_json"),
        (Mode::ServerError, "server_error"),
        (Mode::Stall, "timeout"),
    ] {
        server.set(mode);
        let r = run_with(&drop, &cfg);
        assert_eq!(r.code, 0, "{mode:?}: {}", r.stderr);
        for c in &r.cases {
            assert_eq!(c["backend"], "extractive", "{mode:?} {c}");
            assert_eq!(c["fallback"], class, "{mode:?} {c}");
            assert_eq!(c["attempts"], 3, "{mode:?}: 1 + max_retries {c}");
        }
        assert_eq!(verdicts(&r.report), baseline, "{mode:?}");
    }

    // A 10 MB body: refused at the cap, not retried, extractive summary kept.
    server.set(Mode::Huge);
    let r = run_with(&drop, &cfg);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for c in &r.cases {
        assert_eq!(
            (c["fallback"].as_str(), c["attempts"].as_i64()),
            (Some("too_large"), Some(1)),
            "{c}"
        );
    }

    // Fabricated quotes and wrong chunk ids: every statement dropped and counted.
    for (mode, reason) in [
        (Mode::Fabricated, "quote_not_found"),
        (Mode::WrongChunk, "wrong_chunk"),
    ] {
        server.set(mode);
        let r = run_with(&drop, &cfg);
        assert_eq!(r.code, 0, "{}", r.stderr);
        for c in &r.cases {
            assert_eq!(c["backend"], "extractive", "{mode:?} {c}");
            assert_eq!(c["fallback"], "no statement survived verification", "{c}");
            assert!(c["dropped"].as_i64().unwrap() >= 1, "{c}");
            assert!(c["reasons"].as_str().unwrap().contains(reason), "{c}");
        }
        let sums = summaries(&r.out);
        assert!(sums.iter().all(|s| s.1 == "extractive"));
        assert!(!sums.iter().any(|s| s.2.contains("spinal stenosis")));
    }

    // The model obeys the instruction planted in the letter: its verdicts are
    // dropped, the checker's verdicts do not move.
    server.set(Mode::Injection);
    let r = run_with(&drop, &cfg);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(verdicts(&r.report), baseline);
    let ra = r
        .cases
        .iter()
        .find(|c| c["case_id"] == "ra-adalimumab-003")
        .unwrap();
    let reasons = ra["reasons"].as_str().unwrap();
    assert!(reasons.contains("cites_instruction"), "{ra}");
    assert!(reasons.contains("verdict_language"), "{ra}");
    assert_eq!(ra["published"], 1, "only the plain statement: {ra}");
    let sums = summaries(&r.out);
    assert!(!sums.iter().any(|s| {
        let t = s.2.to_lowercase();
        t.contains("approved") || t.contains("all claims")
    }));
}

#[test]
fn plain_http_to_another_host_is_refused_before_any_request() {
    let tmp = tempfile::tempdir().unwrap();
    let drop = drop_folder(tmp.path());
    let cfg = config(
        tmp.path(),
        &llm_settings(0, "debug_file = \"\"").replace("127.0.0.1:0", "192.0.2.10:8080"),
    );
    let r = run_with(&drop, &cfg);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("refusing plain http"), "{}", r.stderr);
    // A named key variable that is not set is an error too, not an anonymous request.
    let cfg = config(
        tmp.path(),
        &llm_settings(9, "debug_file = \"\"").replace(
            "api_key_env = \"\"",
            "api_key_env = \"PRIORAUTH_TEST_UNSET_KEY\"",
        ),
    );
    let r = run_with(&drop, &cfg);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("PRIORAUTH_TEST_UNSET_KEY"),
        "{}",
        r.stderr
    );
}
