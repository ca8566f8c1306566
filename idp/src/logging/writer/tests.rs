use std::io::{self, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::spawn;

/// An output that keeps what it was given, shared with the test.
#[derive(Clone, Default)]
struct Kept(Arc<Mutex<Vec<u8>>>);

impl Write for Kept {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Kept {
    fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

#[test]
fn every_line_of_every_thread_is_written_whole_and_in_order() {
    let out = Kept::default();
    let (writer, guard) = spawn(out.clone()).unwrap();
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let writer = writer.clone();
            std::thread::spawn(move || {
                for i in 0..2000 {
                    writer.append(format!("thread {t} line {i}\n").as_bytes());
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
    drop(guard);
    let text = out.text();
    assert_eq!(text.lines().count(), 8000);
    for t in 0..4 {
        let mine: Vec<&str> = text
            .lines()
            .filter(|l| l.starts_with(&format!("thread {t} ")))
            .collect();
        let expected: Vec<String> = (0..2000).map(|i| format!("thread {t} line {i}")).collect();
        assert_eq!(mine, expected);
    }
}

#[test]
fn a_line_is_written_soon_without_waiting_for_more() {
    let out = Kept::default();
    let (writer, _guard) = spawn(out.clone()).unwrap();
    for round in 0..3 {
        writer.append(format!("round {round}\n").as_bytes());
        let deadline = Instant::now() + Duration::from_secs(2);
        while !out.text().contains(&format!("round {round}\n")) {
            assert!(Instant::now() < deadline, "round {round} was not written");
            std::thread::sleep(Duration::from_millis(1));
        }
    }
}
