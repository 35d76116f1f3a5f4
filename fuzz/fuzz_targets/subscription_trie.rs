//! The subscription tries against a plain map: any sequence of adds,
//! removes, pipe removals and matches gives the same answers as a
//! `BTreeMap` of prefixes would, and never panics.
//!
//! Input: a stream of operations, each an opcode octet, a pipe octet, a
//! length octet and that many topic octets (short inputs end the run).

#![no_main]

use libfuzzer_sys::fuzz_target;
use std::collections::BTreeMap;
use zmqrs::socket::route::trie::{MTrie, RmResult, Trie};

fuzz_target!(|data: &[u8]| {
    let mut t = Trie::default();
    let mut m = MTrie::default();
    let mut counts: BTreeMap<Vec<u8>, u32> = BTreeMap::new();
    let mut pipes: BTreeMap<Vec<u8>, Vec<usize>> = BTreeMap::new();
    let mut rest = data;
    while let [op, pipe, len, tail @ ..] = rest {
        let n = usize::from(*len % 16).min(tail.len());
        let (key, next) = tail.split_at(n);
        rest = next;
        let pipe = usize::from(*pipe % 4);
        match op % 5 {
            0 => {
                let c = counts.entry(key.to_vec()).or_default();
                *c += 1;
                assert_eq!(t.add(key), *c == 1);
                let v = pipes.entry(key.to_vec()).or_default();
                let first = v.is_empty();
                if !v.contains(&pipe) {
                    v.push(pipe);
                }
                assert_eq!(m.add(key, pipe), first);
            }
            1 => {
                let was = counts.get(key).copied().unwrap_or(0);
                match was {
                    0 => {}
                    1 => {
                        counts.remove(key);
                    }
                    _ => {
                        counts.insert(key.to_vec(), was - 1);
                    }
                }
                assert_eq!(t.rm(key), was == 1);
            }
            2 => {
                let want = match pipes.get_mut(key) {
                    Some(v) if v.contains(&pipe) => {
                        v.retain(|&p| p != pipe);
                        if v.is_empty() {
                            pipes.remove(key);
                            RmResult::LastValueRemoved
                        } else {
                            RmResult::ValuesRemain
                        }
                    }
                    _ => RmResult::NotFound,
                };
                assert_eq!(m.rm(key, pipe), want);
            }
            3 => {
                let mut gone = Vec::new();
                m.rm_pipe(pipe, true, |p| gone.push(p.to_vec()));
                let mut want = Vec::new();
                pipes.retain(|k, v| {
                    v.retain(|&p| p != pipe);
                    if v.is_empty() {
                        want.push(k.clone());
                    }
                    !v.is_empty()
                });
                gone.sort();
                assert!(want.iter().all(|k| gone.contains(k)));
            }
            _ => {
                let hit = counts.keys().any(|k| key.starts_with(k));
                assert_eq!(t.check(key), hit);
                let mut got = Vec::new();
                m.match_pipes(key, |p| got.push(p));
                got.sort_unstable();
                let mut want: Vec<usize> = pipes
                    .iter()
                    .filter(|(k, _)| key.starts_with(k))
                    .flat_map(|(_, v)| v.iter().copied())
                    .collect();
                want.sort_unstable();
                assert_eq!(got, want);
            }
        }
    }
    assert_eq!(t.prefixes(), counts.keys().cloned().collect::<Vec<_>>());
    assert_eq!(m.num_prefixes(), pipes.len());
});
