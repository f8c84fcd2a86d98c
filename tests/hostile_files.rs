//! Hostile drops (issue 17): what a careless sender, a broken scanner or a
//! malicious insider puts in a drop folder. Each test builds real files in a
//! temporary folder and runs the real binary under a deadline, so a hang fails
//! the test instead of stalling the suite.

use std::io::Read;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{check_output, ocr_available, root};

const NOTE: &str =
    "PROGRESS NOTE\nPatient seen for right knee pain for three years, worse on stairs.\n\
Exam: medial joint line tenderness. Plan: weight-bearing radiographs.\n";

/// Run the binary with `args`; kill it after `secs`. Returns (exit code, stdout, stderr).
fn run_for(args: &[&std::ffi::OsStr], secs: u64, as_nobody: bool) -> (i32, String, String) {
    // As nobody, run a copy that nobody can reach: the build folder may be
    // private to its owner (a umask of 077).
    let exe = if as_nobody {
        use std::os::unix::fs::PermissionsExt;
        let copy = std::env::temp_dir().join(format!("priorauth-as-nobody-{}", std::process::id()));
        std::fs::copy(env!("CARGO_BIN_EXE_priorauth"), &copy).expect("copy priorauth");
        std::fs::set_permissions(&copy, std::fs::Permissions::from_mode(0o755)).unwrap();
        copy
    } else {
        std::path::PathBuf::from(env!("CARGO_BIN_EXE_priorauth"))
    };
    let mut cmd = Command::new(&exe);
    cmd.args(args)
        .env_remove("PRIORAUTH_LOG")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if as_nobody {
        // SAFETY: only setgid/setuid between fork and exec.
        unsafe {
            std::os::unix::process::CommandExt::pre_exec(&mut cmd, || {
                if libc::setgid(65534) != 0 || libc::setuid(65534) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
    }
    let mut child = cmd.spawn().expect("start priorauth");
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let t_out = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = out.read_to_string(&mut s);
        s
    });
    let t_err = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err.read_to_string(&mut s);
        s
    });
    let deadline = Instant::now() + Duration::from_secs(secs);
    let code = loop {
        if let Some(st) = child.try_wait().unwrap() {
            break st.code().unwrap_or(-1);
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("priorauth {args:?} still running after {secs} s: it hangs");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    if as_nobody {
        let _ = std::fs::remove_file(&exe);
    }
    (code, t_out.join().unwrap(), t_err.join().unwrap())
}

fn run_drop(drop: &Path, out: &Path, config: Option<&Path>) -> (i32, String, String) {
    let mut args: Vec<&std::ffi::OsStr> = vec![
        "run".as_ref(),
        "--drop".as_ref(),
        drop.as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
    ];
    if let Some(c) = config {
        args.extend(["--config".as_ref(), c.as_os_str()]);
    }
    run_for(&args, 300, false)
}

/// The shipped settings with some lines replaced.
fn config(dir: &Path, edits: &[(&str, &str)]) -> PathBuf {
    let mut text = std::fs::read_to_string(root().join("pipelines/nightly.toml")).unwrap();
    for (from, to) in edits {
        assert!(text.contains(from), "nightly.toml has no {from:?}");
        text = text.replace(from, to);
    }
    let p = dir.join("edited.toml");
    std::fs::write(&p, text).unwrap();
    p
}

/// (status, status_reason) of the documents row of `case_id` / `doc_id`.
fn row(report: &serde_json::Value, case_id: &str, doc_id: &str) -> (String, String) {
    let docs = report["documents"].as_array().unwrap();
    let d = docs
        .iter()
        .find(|d| d["case_id"] == case_id && d["doc_id"] == doc_id)
        .unwrap_or_else(|| panic!("no documents row for {case_id}/{doc_id}: {docs:?}"));
    (
        d["status"].as_str().unwrap().to_string(),
        d["status_reason"].as_str().unwrap_or("").to_string(),
    )
}

fn quarantined(reason: &str) -> (String, String) {
    ("quarantined".into(), reason.into())
}

/// One DuckDB query over the output's tables; rows as JSON arrays.
fn query(out: &Path, sql: &str) -> Vec<serde_json::Value> {
    let script = r#"
import json, sys, duckdb
out, sql = sys.argv[1], sys.argv[2]
con = duckdb.connect()
for t in ["documents", "pages", "cases"]:
    con.execute(f"create view {t} as select * from read_parquet('{out}/{t}/**/*.parquet', hive_partitioning = true)")
print(json.dumps([list(r) for r in con.execute(sql).fetchall()], default=str))
"#;
    let o = Command::new("python3")
        .args(["-c", script])
        .arg(out)
        .arg(sql)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

/// Item 1: 4 MiB of form feeds is 4 million pages; `max_pages` applies to text
/// files too, before any page is built.
#[test]
fn a_form_feed_text_file_obeys_max_pages() {
    let tmp = tempfile::tempdir().unwrap();
    let case = tmp.path().join("d/c");
    std::fs::create_dir_all(&case).unwrap();
    std::fs::write(case.join("ff.txt"), vec![0x0cu8; 4 << 20]).unwrap();
    std::fs::write(case.join("note.txt"), NOTE).unwrap();
    let out = tmp.path().join("out");
    let t = Instant::now();
    let (code, stdout, stderr) = run_drop(&tmp.path().join("d"), &out, None);
    assert_eq!(code, 2, "{stdout}\n{stderr}");
    assert!(t.elapsed() < Duration::from_secs(120), "{:?}", t.elapsed());
    only_quarantined(&out, "ff", "too_large");
}

/// Item 2: a page of megabytes is refused (`extract.max_page_chars`), and a
/// long page under the cap goes through in seconds.
#[test]
fn a_page_of_megabytes_is_capped_and_a_long_page_is_fast() {
    let tmp = tempfile::tempdir().unwrap();
    let case = tmp.path().join("d/c");
    std::fs::create_dir_all(&case).unwrap();
    let sentence = "Knee pain was noted on exam today. ";
    std::fs::write(
        case.join("huge.txt"),
        sentence.repeat(3_000_000 / sentence.len()),
    )
    .unwrap();
    std::fs::write(
        case.join("long.txt"),
        sentence.repeat(190_000 / sentence.len()),
    )
    .unwrap();
    let out = tmp.path().join("out");
    let t = Instant::now();
    let (code, stdout, stderr) = run_drop(&tmp.path().join("d"), &out, None);
    assert_eq!(code, 2, "{stdout}\n{stderr}");
    assert!(t.elapsed() < Duration::from_secs(90), "{:?}", t.elapsed());
    let report = check_output(&out);
    assert_eq!(row(&report, "c", "huge"), quarantined("too_large"));
    assert_eq!(row(&report, "c", "long").0, "ok");
}

/// A one-page PDF whose page shows `lines` lines of text (uncompressed).
fn pdf_with_lines(lines: usize) -> Vec<u8> {
    let mut content = String::new();
    for i in 0..lines {
        let y = 760 - (i % 70) * 10;
        content.push_str(&format!(
            "BT /F1 9 Tf 40 {y} Td (Knee pain was noted on exam today, line {i}.) Tj ET\n"
        ));
    }
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>".to_string(),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
        format!("<< /Length {} >>\nstream\n{content}endstream", content.len()),
    ];
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = pdf.len();
    pdf.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for o in offsets {
        pdf.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    pdf
}

/// Item 2, as a PDF: a page carrying megabytes of text is refused by the page
/// cap (or its worker's deadline), never chunked, and never written into a
/// review page; a normal page of the same file shape is read.
#[test]
fn a_pdf_page_of_megabytes_never_reaches_the_review_page() {
    let tmp = tempfile::tempdir().unwrap();
    let case = tmp.path().join("d/c");
    std::fs::create_dir_all(&case).unwrap();
    std::fs::write(case.join("huge.pdf"), pdf_with_lines(60_000)).unwrap();
    std::fs::write(case.join("small.pdf"), pdf_with_lines(40)).unwrap();
    let out = tmp.path().join("out");
    let t = Instant::now();
    let (code, stdout, stderr) = run_drop(&tmp.path().join("d"), &out, None);
    assert_eq!(code, 2, "{stdout}\n{stderr}");
    assert!(t.elapsed() < Duration::from_secs(150), "{:?}", t.elapsed());
    let report = check_output(&out);
    let (status, reason) = row(&report, "c", "huge");
    assert_eq!(status, "quarantined");
    assert!(reason == "too_large" || reason == "timeout", "{reason}");
    assert_eq!(row(&report, "c", "small").0, "ok");
    let page = std::fs::read(out.join("review/c.html")).unwrap();
    assert!(page.len() < 1 << 20, "review page of {} bytes", page.len());
}

/// Item 3: a FIFO never blocks the run, and a device is never read.
#[test]
fn fifos_and_devices_are_not_regular_files() {
    let tmp = tempfile::tempdir().unwrap();
    let drop = tmp.path().join("d");
    let case = drop.join("c");
    std::fs::create_dir_all(&case).unwrap();
    std::fs::write(case.join("note.txt"), NOTE).unwrap();
    let fifo = std::ffi::CString::new(case.join("x.pdf").as_os_str().as_bytes()).unwrap();
    // SAFETY: a plain libc call on a valid C string.
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o600) }, 0);
    std::os::unix::fs::symlink("/dev/zero", case.join("z.txt")).unwrap();
    let out = tmp.path().join("out");
    let (code, stdout, stderr) = run_drop(&drop, &out, None);
    assert_eq!(code, 2, "{stdout}\n{stderr}");
    let report = check_output(&out);
    assert_eq!(row(&report, "c", "x"), quarantined("not_a_regular_file"));
    // /dev/zero is outside the drop folder: not followed by default ...
    assert_eq!(row(&report, "c", "z"), quarantined("symlink_outside_drop"));
    assert_eq!(row(&report, "c", "note").0, "ok");
    // ... and followed when allowed, it is still not a regular file.
    let cfg = config(
        tmp.path(),
        &[(
            "follow_symlinks_outside_drop = false",
            "follow_symlinks_outside_drop = true",
        )],
    );
    let out2 = tmp.path().join("out2");
    let (code, stdout, stderr) = run_drop(&drop, &out2, Some(&cfg));
    assert_eq!(code, 2, "{stdout}\n{stderr}");
    let report = check_output(&out2);
    assert_eq!(row(&report, "c", "z"), quarantined("not_a_regular_file"));
    assert_eq!(row(&report, "c", "x"), quarantined("not_a_regular_file"));
}

/// Item 3, the file swapped after the folder was listed: the PDF worker opens
/// a document only through the routine that refuses anything but a regular
/// file. A FIFO (which would block a plain open forever), a device and a
/// symlink (even to a real PDF) each come back `not_a_regular_file` at once,
/// and the same worker then reads the real PDF.
#[test]
fn the_pdf_worker_opens_only_regular_files() {
    use std::io::Write;
    let tmp = tempfile::tempdir().unwrap();
    let pdf = std::fs::read_dir(root().join("sample_docs/mri-lumbar-001"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "pdf"))
        .expect("a sample PDF");
    let fifo = tmp.path().join("x.pdf");
    let c = std::ffi::CString::new(fifo.as_os_str().as_bytes()).unwrap();
    // SAFETY: a plain libc call on a valid C string.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let link = tmp.path().join("link.pdf");
    std::os::unix::fs::symlink(&pdf, &link).unwrap();
    let mut worker = Command::new(env!("CARGO_BIN_EXE_priorauth"))
        .args(["extract-worker", "--max-pages", "100"])
        .args(["--max-decompressed-bytes", "268435456"])
        .args([
            "--max-memory-bytes",
            "4294967296",
            "--max-cpu-seconds",
            "30",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = worker.stdin.take().unwrap();
    let mut stdout = worker.stdout.take().unwrap();
    let paths = [fifo.clone(), PathBuf::from("/dev/zero"), link, pdf];
    for p in &paths {
        let b = p.as_os_str().as_bytes();
        stdin.write_all(&(b.len() as u32).to_le_bytes()).unwrap();
        stdin.write_all(b).unwrap();
    }
    drop(stdin);
    // The answers, read on a thread: a worker stuck on the FIFO fails the test.
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut answers = Vec::new();
        for _ in 0..4 {
            let mut len = [0u8; 4];
            if stdout.read_exact(&mut len).is_err() {
                break;
            }
            let mut buf = vec![0u8; u32::from_le_bytes(len) as usize];
            stdout.read_exact(&mut buf).unwrap();
            answers.push(serde_json::from_slice::<serde_json::Value>(&buf).unwrap());
        }
        let _ = tx.send(answers);
    });
    let answers = rx.recv_timeout(Duration::from_secs(60));
    let _ = worker.kill();
    let _ = worker.wait();
    let answers = answers.expect("the worker answered every request in time");
    assert_eq!(answers.len(), 4, "{answers:?}");
    for (a, what) in answers[..3].iter().zip(["FIFO", "device", "symbolic link"]) {
        assert_eq!(a["failure"][0], "not_a_regular_file", "{a}");
        let message = a["failure"][1].as_str().unwrap();
        assert!(message.contains(what), "{message}");
        assert_eq!(a["pages"].as_array().unwrap().len(), 0);
    }
    assert!(answers[3]["failure"].is_null(), "{}", answers[3]);
    assert!(!answers[3]["pages"].as_array().unwrap().is_empty());
}

/// Item 8: symlinks that leave the drop folder are not followed (files and
/// case folders alike), unless the settings allow it; links inside it are.
#[test]
fn symlinks_leaving_the_drop_are_not_followed() {
    let tmp = tempfile::tempdir().unwrap();
    let drop = tmp.path().join("d");
    let case = drop.join("c");
    std::fs::create_dir_all(&case).unwrap();
    std::fs::create_dir_all(drop.join("c2")).unwrap();
    let elsewhere = tmp.path().join("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    let secret = "CANARY-OUTSIDE-7731 root:x:0:0 patient file outside the drop folder, read only by mistake.";
    std::fs::write(elsewhere.join("secret.txt"), secret).unwrap();
    std::fs::write(case.join("note.txt"), NOTE).unwrap();
    std::os::unix::fs::symlink(elsewhere.join("secret.txt"), case.join("passwd.txt")).unwrap();
    std::os::unix::fs::symlink("../c/note.txt", drop.join("c2/same.txt")).unwrap();
    std::os::unix::fs::symlink(&elsewhere, drop.join("linked")).unwrap();
    let out = tmp.path().join("out");
    let (code, stdout, stderr) = run_drop(&drop, &out, None);
    assert_eq!(code, 2, "{stdout}\n{stderr}");
    let report = check_output(&out);
    assert_eq!(
        row(&report, "c", "passwd"),
        quarantined("symlink_outside_drop")
    );
    assert_eq!(
        row(&report, "%root", "linked"),
        quarantined("symlink_outside_drop")
    );
    assert_eq!(
        row(&report, "c2", "same").0,
        "ok",
        "a link inside the drop is read"
    );
    let leaked = query(
        &out,
        "select count(*) from pages where text like '%CANARY-OUTSIDE%'",
    );
    assert_eq!(leaked[0][0], 0);

    let cfg = config(
        tmp.path(),
        &[(
            "follow_symlinks_outside_drop = false",
            "follow_symlinks_outside_drop = true",
        )],
    );
    let out2 = tmp.path().join("out2");
    let (code, stdout, stderr) = run_drop(&drop, &out2, Some(&cfg));
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    let report = check_output(&out2);
    assert_eq!(row(&report, "c", "passwd").0, "ok");
    assert_eq!(row(&report, "linked", "secret").0, "ok");
}

/// Item 10: every file the run sees gets a row; images go to OCR; a case
/// folder that cannot be listed is an error of the run (exit 2), not an empty case.
#[test]
fn every_file_gets_a_row_and_an_unlistable_case_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let drop = tmp.path().join("d");
    let case = drop.join("c");
    std::fs::create_dir_all(&case).unwrap();
    std::fs::write(case.join("note.txt"), NOTE).unwrap();
    std::fs::write(case.join("scan"), NOTE).unwrap();
    std::fs::write(case.join("letter.docx"), b"PK\x03\x04 not read").unwrap();
    std::fs::write(drop.join("stray.txt"), NOTE).unwrap();
    // A real image of a real page.
    let ocr = ocr_available();
    if ocr {
        let pdf = root().join("sample_docs/knee-tka-002/ortho_note_20261014.pdf");
        let st = Command::new("pdftoppm")
            .args(["-png", "-r", "150", "-singlefile", "-f", "1", "-l", "1"])
            .arg(&pdf)
            .arg(case.join("photo"))
            .status()
            .unwrap();
        assert!(st.success());
        let st = Command::new("pdftoppm")
            .args(["-tiff", "-r", "150", "-singlefile", "-f", "1", "-l", "1"])
            .arg(root().join("sample_docs/knee-tka-002/pa_request_27447.pdf"))
            .arg(case.join("fax"))
            .status()
            .unwrap();
        assert!(st.success());
    }
    let out = tmp.path().join("out");
    let (code, stdout, stderr) = run_drop(&drop, &out, None);
    assert_eq!(code, 2, "{stdout}\n{stderr}");
    let report = check_output(&out);
    assert_eq!(row(&report, "c", "scan"), quarantined("unsupported_type"));
    assert_eq!(row(&report, "c", "letter"), quarantined("unsupported_type"));
    assert_eq!(
        row(&report, "%root", "stray"),
        quarantined("not_in_case_folder")
    );
    if ocr {
        for doc in ["photo", "fax"] {
            assert_eq!(row(&report, "c", doc).0, "ok", "{doc}");
        }
        let src = query(
            &out,
            "select distinct text_source from documents where doc_id in ('photo', 'fax')",
        );
        assert_eq!(src, [serde_json::json!(["ocr"])]);
    }

    // A case folder that cannot be listed: exit 2, named on stderr, and no
    // empty result replaces its latest. As root, the run drops to nobody.
    let locked = drop.join("locked");
    std::fs::create_dir_all(&locked).unwrap();
    std::fs::write(locked.join("note.txt"), NOTE).unwrap();
    let root_user = unsafe { libc::geteuid() } == 0;
    use std::os::unix::fs::PermissionsExt;
    let open = |p: &Path, mode| std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode));
    let work = tmp.path().join("w");
    std::fs::create_dir_all(&work).unwrap();
    if root_user {
        for p in [tmp.path(), &work] {
            open(p, 0o777).unwrap();
        }
        let mut stack = vec![drop.clone()];
        while let Some(p) = stack.pop() {
            open(&p, 0o755).unwrap();
            for e in std::fs::read_dir(&p).unwrap().flatten() {
                if e.file_type().unwrap().is_dir() {
                    stack.push(e.path());
                } else if !e.file_type().unwrap().is_symlink() {
                    open(&e.path(), 0o644).unwrap();
                }
            }
        }
    }
    open(&locked, 0o000).unwrap();
    let out2 = work.join("out");
    let (code, stdout, stderr) = run_for(
        &[
            "run".as_ref(),
            "--drop".as_ref(),
            drop.as_os_str(),
            "--out".as_ref(),
            out2.as_os_str(),
        ],
        300,
        root_user,
    );
    open(&locked, 0o755).unwrap();
    assert_eq!(code, 2, "{stdout}\n{stderr}");
    assert!(
        stderr.contains("case folder locked cannot be listed"),
        "{stderr}"
    );
    assert!(
        stdout.contains("1 case folder(s) could not be listed"),
        "in the summary: {stdout}"
    );
    let cases = query(&out2, "select count(*) from cases where case_id = 'locked'");
    assert_eq!(cases[0][0], 0, "an unlistable case makes no case row");
}

/// Item 11: random bytes named `.txt` are not text.
#[test]
fn a_binary_text_file_is_not_text() {
    let tmp = tempfile::tempdir().unwrap();
    let case = tmp.path().join("d/c");
    std::fs::create_dir_all(&case).unwrap();
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let noise: Vec<u8> = (0..200_000)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect();
    std::fs::write(case.join("noise.txt"), noise).unwrap();
    std::fs::write(case.join("note.txt"), NOTE).unwrap();
    let out = tmp.path().join("out");
    let (code, stdout, stderr) = run_drop(&tmp.path().join("d"), &out, None);
    assert_eq!(code, 2, "{stdout}\n{stderr}");
    only_quarantined(&out, "noise", "not_text");
}

/// Item 6: names that differ stay apart: non-UTF-8 bytes are escaped
/// losslessly, `c17 a` and `c17_a` get pages of their own, and a case named
/// `index` never overwrites the review index.
#[test]
fn names_that_differ_never_merge() {
    use std::ffi::OsStr;
    let tmp = tempfile::tempdir().unwrap();
    let drop = tmp.path().join("d");
    let name = |b: &[u8]| drop.join(OsStr::from_bytes(b));
    for (case, text) in [
        (
            &b"c09-caf\xe9"[..],
            "PROGRESS NOTE\nFirst patient seen for knee pain.\n",
        ),
        (
            &b"c09-caf\xe8"[..],
            "PROGRESS NOTE\nSecond patient seen for back pain.\n",
        ),
        (
            &b"c17 a"[..],
            "PROGRESS NOTE\nThird patient seen for hip pain.\n",
        ),
        (
            &b"c17_a"[..],
            "PROGRESS NOTE\nFourth patient seen for neck pain.\n",
        ),
        (
            &b"index"[..],
            "PROGRESS NOTE\nFifth patient seen for wrist pain.\n",
        ),
    ] {
        std::fs::create_dir_all(name(case)).unwrap();
        std::fs::write(name(case).join("note.txt"), text).unwrap();
    }
    let files = name(b"files");
    std::fs::create_dir_all(&files).unwrap();
    std::fs::write(
        files.join(OsStr::from_bytes(b"n\xff1.txt")),
        "PROGRESS NOTE\nOne.\n",
    )
    .unwrap();
    std::fs::write(
        files.join(OsStr::from_bytes(b"n\xfe1.txt")),
        "PROGRESS NOTE\nTwo.\n",
    )
    .unwrap();
    let out = tmp.path().join("out");
    let (code, stdout, stderr) = run_drop(&drop, &out, None);
    assert!(code == 0 || code == 2, "{stdout}\n{stderr}");
    let cases = query(&out, "select case_id from cases order by case_id");
    let ids: Vec<&str> = cases.iter().map(|r| r[0].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        [
            "c09-caf%E8",
            "c09-caf%E9",
            "c17 a",
            "c17_a",
            "files",
            "index"
        ]
    );
    let docs = query(
        &out,
        "select doc_id from documents where case_id = 'files' order by doc_id",
    );
    assert_eq!(
        docs,
        [serde_json::json!(["n%FE1"]), serde_json::json!(["n%FF1"])]
    );
    // Each case its own review page; the index is still the index.
    let review = out.join("review");
    let index = std::fs::read_to_string(review.join("index.html")).unwrap();
    assert!(index.contains("Cases needing review"), "{index}");
    let page = |p: &str| std::fs::read_to_string(review.join(p)).unwrap_or_default();
    for (file, case) in [
        ("c17~20a.html", "c17 a"),
        ("c17_a.html", "c17_a"),
        ("index~.html", "index"),
        ("c09-caf~25E9.html", "c09-caf%E9"),
        ("c09-caf~25E8.html", "c09-caf%E8"),
    ] {
        assert!(
            page(file).contains(&format!("<h1>Case {case}</h1>")),
            "{file}: {}",
            page(file)
        );
    }
}

/// In case `c`, document `doc` is quarantined with `reason` and gives no page,
/// and the note beside it is read.
fn only_quarantined(out: &Path, doc: &str, reason: &str) {
    let report = check_output(out);
    assert_eq!(row(&report, "c", doc), quarantined(reason));
    assert_eq!(row(&report, "c", "note").0, "ok");
    let pages = query(
        out,
        &format!("select count(*) from pages where doc_id = '{doc}'"),
    );
    assert_eq!(pages[0][0], 0);
}
