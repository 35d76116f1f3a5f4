//! Subscription tries: prefixes of bytes (any bytes, the empty prefix too).
//!
//! `Trie` counts how often each prefix was subscribed (SUB / XSUB keep their
//! own subscriptions in one); `MTrie` holds, per prefix, the set of pipes
//! subscribed to it (XPUB: which peers want a message, and whether a
//! subscription is new or the last of its kind).
//!
//! Both sit on one arena of nodes, one node per distinct prefix byte, with
//! each node's children in a vector sorted by byte. A set of subscriptions
//! costs nodes (and time to add) linear in their total length; emptied
//! branches are pruned and their nodes reused.

use crate::pipe::PipeIdx;

/// What a node holds; `is_empty` values (with no children) are pruned.
pub trait Value: Default {
    fn is_empty(&self) -> bool;
}

impl Value for u32 {
    fn is_empty(&self) -> bool {
        *self == 0
    }
}

impl Value for Vec<PipeIdx> {
    fn is_empty(&self) -> bool {
        self.is_empty()
    }
}

#[derive(Debug, Default)]
struct Node<V> {
    /// (byte, node index), sorted by byte.
    children: Vec<(u8, u32)>,
    value: V,
}

/// The arena shared by both tries. Node 0 is the root (the empty prefix).
#[derive(Debug)]
struct Arena<V> {
    nodes: Vec<Node<V>>,
    free: Vec<u32>,
}

impl<V: Value> Default for Arena<V> {
    fn default() -> Self {
        Arena {
            nodes: vec![Node::default()],
            free: Vec::new(),
        }
    }
}

impl<V: Value> Arena<V> {
    fn child(&self, node: u32, b: u8) -> Option<u32> {
        let ch = &self.nodes[node as usize].children;
        ch.binary_search_by_key(&b, |c| c.0).ok().map(|i| ch[i].1)
    }

    fn find(&self, prefix: &[u8]) -> Option<u32> {
        let mut n = 0;
        for &b in prefix {
            n = self.child(n, b)?;
        }
        Some(n)
    }

    fn find_or_insert(&mut self, prefix: &[u8]) -> u32 {
        let mut n = 0u32;
        for &b in prefix {
            let pos = self.nodes[n as usize]
                .children
                .binary_search_by_key(&b, |c| c.0);
            n = match pos {
                Ok(i) => self.nodes[n as usize].children[i].1,
                Err(i) => {
                    let new = match self.free.pop() {
                        Some(f) => f,
                        None => {
                            self.nodes.push(Node::default());
                            (self.nodes.len() - 1) as u32
                        }
                    };
                    self.nodes[n as usize].children.insert(i, (b, new));
                    new
                }
            };
        }
        n
    }

    fn is_dead(&self, n: u32) -> bool {
        let node = &self.nodes[n as usize];
        node.children.is_empty() && node.value.is_empty()
    }

    fn release(&mut self, n: u32) {
        let node = &mut self.nodes[n as usize];
        node.children = Vec::new();
        node.value = V::default();
        self.free.push(n);
    }

    /// Removes the emptied nodes along `prefix`, deepest first.
    fn prune_path(&mut self, prefix: &[u8]) {
        let mut path = Vec::with_capacity(prefix.len() + 1);
        let mut n = 0;
        path.push(n);
        for &b in prefix {
            match self.child(n, b) {
                Some(c) => n = c,
                None => return,
            }
            path.push(n);
        }
        for i in (1..path.len()).rev() {
            if !self.is_dead(path[i]) {
                return;
            }
            let parent = path[i - 1];
            let ch = &mut self.nodes[parent as usize].children;
            if let Ok(k) = ch.binary_search_by_key(&prefix[i - 1], |c| c.0) {
                ch.remove(k);
            }
            self.release(path[i]);
        }
    }

    /// Visits every node in prefix order (a prefix before its extensions,
    /// bytes ascending), with its prefix; then prunes the emptied nodes.
    fn visit_all(&mut self, mut f: impl FnMut(&[u8], &mut V)) {
        let mut prefix = Vec::new();
        // (node, its parent's prefix length, its byte)
        let mut stack: Vec<(u32, usize, Option<u8>)> = vec![(0, 0, None)];
        while let Some((n, depth, b)) = stack.pop() {
            prefix.truncate(depth);
            prefix.extend(b);
            f(&prefix, &mut self.nodes[n as usize].value);
            for &(cb, c) in self.nodes[n as usize].children.iter().rev() {
                stack.push((c, prefix.len(), Some(cb)));
            }
        }
        self.prune_all();
    }

    /// Removes every dead node (post-order).
    fn prune_all(&mut self) {
        // (node, next child position to look at)
        let mut stack: Vec<(u32, usize)> = vec![(0, 0)];
        while let Some(&mut (n, ref mut pos)) = stack.last_mut() {
            let ch = &self.nodes[n as usize].children;
            if *pos < ch.len() {
                let c = ch[*pos].1;
                *pos += 1;
                stack.push((c, 0));
                continue;
            }
            stack.pop();
            // The children are done: drop the dead ones.
            let dead: Vec<u32> = self.nodes[n as usize]
                .children
                .iter()
                .map(|c| c.1)
                .filter(|&c| self.is_dead(c))
                .collect();
            if !dead.is_empty() {
                self.nodes[n as usize]
                    .children
                    .retain(|c| !dead.contains(&c.1));
                for c in dead {
                    self.release(c);
                }
                // Positions of the parent's iteration are unaffected: it
                // looks at its own children only.
            }
        }
    }

    /// Calls `f` with the value of every node whose prefix starts `data`.
    fn for_each_prefix_of(&self, data: &[u8], mut f: impl FnMut(&V)) {
        let mut n = 0;
        f(&self.nodes[0].value);
        for &b in data {
            match self.child(n, b) {
                Some(c) => n = c,
                None => return,
            }
            f(&self.nodes[n as usize].value);
        }
    }

    fn live_nodes(&self) -> usize {
        self.nodes.len() - self.free.len()
    }
}

/// A counting trie (libzmq's trie_t): SUB and XSUB.
#[derive(Debug, Default)]
pub struct Trie {
    arena: Arena<u32>,
    prefixes: usize,
    /// Subscriptions, a repeated one each time.
    total: usize,
}

impl Trie {
    /// Adds one subscription; true when the prefix is new.
    pub fn add(&mut self, prefix: &[u8]) -> bool {
        let n = self.arena.find_or_insert(prefix);
        let v = &mut self.arena.nodes[n as usize].value;
        *v += 1;
        self.total += 1;
        if *v == 1 {
            self.prefixes += 1;
        }
        *v == 1
    }

    /// Removes one subscription; true when it was the prefix's last.
    pub fn rm(&mut self, prefix: &[u8]) -> bool {
        let Some(n) = self.arena.find(prefix) else {
            return false;
        };
        let v = &mut self.arena.nodes[n as usize].value;
        if *v == 0 {
            return false;
        }
        *v -= 1;
        self.total -= 1;
        if *v > 0 {
            return false;
        }
        self.prefixes -= 1;
        self.arena.prune_path(prefix);
        true
    }

    /// Whether some subscription is a prefix of `data`.
    pub fn check(&self, data: &[u8]) -> bool {
        let mut hit = false;
        self.arena.for_each_prefix_of(data, |v| hit |= *v > 0);
        hit
    }

    /// Every subscribed prefix, once each.
    pub fn prefixes(&self) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        let mut prefix = Vec::new();
        let mut stack: Vec<(u32, usize, Option<u8>)> = vec![(0, 0, None)];
        while let Some((n, depth, b)) = stack.pop() {
            prefix.truncate(depth);
            prefix.extend(b);
            let node = &self.arena.nodes[n as usize];
            if node.value > 0 {
                out.push(prefix.clone());
            }
            for &(cb, c) in node.children.iter().rev() {
                stack.push((c, prefix.len(), Some(cb)));
            }
        }
        out
    }

    /// The number of distinct prefixes.
    pub fn num_prefixes(&self) -> usize {
        self.prefixes
    }

    /// The number of subscriptions, repeated ones too (ZMQ_TOPICS_COUNT
    /// of libzmq's draft builds, whose radix tree counts so).
    pub fn total(&self) -> usize {
        self.total
    }

    pub fn live_nodes(&self) -> usize {
        self.arena.live_nodes()
    }
}

/// What `MTrie::rm` found.
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
pub enum RmResult {
    NotFound,
    LastValueRemoved,
    ValuesRemain,
}

/// A trie of pipe sets (libzmq's mtrie_t): XPUB.
#[derive(Debug, Default)]
pub struct MTrie {
    arena: Arena<Vec<PipeIdx>>,
    prefixes: usize,
}

impl MTrie {
    /// Subscribes `pipe` to `prefix`; true when nobody had it before.
    pub fn add(&mut self, prefix: &[u8], pipe: PipeIdx) -> bool {
        let n = self.arena.find_or_insert(prefix);
        let v = &mut self.arena.nodes[n as usize].value;
        let first = v.is_empty();
        if !v.contains(&pipe) {
            v.push(pipe);
        }
        if first {
            self.prefixes += 1;
        }
        first
    }

    /// Unsubscribes `pipe` from `prefix`.
    pub fn rm(&mut self, prefix: &[u8], pipe: PipeIdx) -> RmResult {
        let Some(n) = self.arena.find(prefix) else {
            return RmResult::NotFound;
        };
        let v = &mut self.arena.nodes[n as usize].value;
        let Some(pos) = v.iter().position(|&p| p == pipe) else {
            return RmResult::NotFound;
        };
        v.swap_remove(pos);
        if !v.is_empty() {
            return RmResult::ValuesRemain;
        }
        self.prefixes -= 1;
        self.arena.prune_path(prefix);
        RmResult::LastValueRemoved
    }

    /// Removes `pipe` everywhere. `f(prefix)` is called for each prefix it
    /// held: only those it was the last holder of when `only_last`.
    pub fn rm_pipe(&mut self, pipe: PipeIdx, only_last: bool, mut f: impl FnMut(&[u8])) {
        let mut emptied = 0;
        self.arena.visit_all(|prefix, v| {
            if let Some(pos) = v.iter().position(|&p| p == pipe) {
                v.swap_remove(pos);
                if v.is_empty() {
                    emptied += 1;
                }
                if !only_last || v.is_empty() {
                    f(prefix);
                }
            }
        });
        self.prefixes -= emptied;
    }

    /// Calls `f` for every pipe subscribed to a prefix of `data` (a pipe
    /// may come more than once).
    pub fn match_pipes(&self, data: &[u8], mut f: impl FnMut(PipeIdx)) {
        self.arena
            .for_each_prefix_of(data, |v| v.iter().for_each(|&p| f(p)));
    }

    /// The number of distinct prefixes (ZMQ_TOPICS_COUNT).
    pub fn num_prefixes(&self) -> usize {
        self.prefixes
    }

    pub fn live_nodes(&self) -> usize {
        self.arena.live_nodes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counting_trie() {
        let mut t = Trie::default();
        assert!(!t.check(b"abc"));
        assert!(t.add(b"ab"));
        assert!(!t.add(b"ab"));
        assert!(t.check(b"abc") && t.check(b"ab") && !t.check(b"a") && !t.check(b"b"));
        assert_eq!((t.num_prefixes(), t.total()), (1, 2));
        assert!(!t.rm(b"ab"));
        assert!(t.rm(b"ab"));
        assert!(!t.rm(b"ab"));
        assert!(!t.check(b"abc"));
        assert_eq!(t.live_nodes(), 1);
        // The empty prefix matches everything; binary bytes are bytes.
        assert!(t.add(b""));
        assert!(t.check(b"") && t.check(b"\0\xff"));
        assert!(t.add(b"\0\xff\0"));
        assert_eq!(t.prefixes(), vec![b"".to_vec(), b"\0\xff\0".to_vec()]);
        assert!(t.rm(b""));
        assert!(!t.check(b"\0\xff") && t.check(b"\0\xff\0\x01"));
        assert!(!t.rm(b"\0"));
    }

    #[test]
    fn pipe_trie() {
        let mut t = MTrie::default();
        assert!(t.add(b"a", 1));
        assert!(!t.add(b"a", 2));
        assert!(!t.add(b"a", 2));
        assert!(t.add(b"ab", 3));
        assert!(t.add(b"", 4));
        let mut got = Vec::new();
        t.match_pipes(b"abc", |p| got.push(p));
        got.sort();
        assert_eq!(got, vec![1, 2, 3, 4]);
        assert_eq!(t.num_prefixes(), 3);
        assert_eq!(t.rm(b"a", 9), RmResult::NotFound);
        assert_eq!(t.rm(b"zz", 1), RmResult::NotFound);
        assert_eq!(t.rm(b"a", 1), RmResult::ValuesRemain);
        let mut gone = Vec::new();
        t.rm_pipe(2, true, |p| gone.push(p.to_vec()));
        assert_eq!(gone, vec![b"a".to_vec()]);
        assert_eq!(t.num_prefixes(), 2);
        t.add(b"ab", 4);
        t.add(b"x", 4);
        let mut all = Vec::new();
        t.rm_pipe(4, false, |p| all.push(p.to_vec()));
        assert_eq!(all, vec![b"".to_vec(), b"ab".to_vec(), b"x".to_vec()]);
        assert_eq!(t.num_prefixes(), 1);
        assert_eq!(t.rm(b"ab", 3), RmResult::LastValueRemoved);
        assert_eq!(t.num_prefixes(), 0);
        assert_eq!(t.live_nodes(), 1);
    }

    /// 100,000 distinct subscriptions cost nodes linear in their total
    /// length, and removing them gives every node back.
    #[test]
    fn linear_cost() {
        let topics: Vec<Vec<u8>> = (0..100_000u32)
            .map(|i| format!("topic/{i:08}/{}", i % 7).into_bytes())
            .collect();
        let total: usize = topics.iter().map(|t| t.len()).sum();
        let mut t = Trie::default();
        let mut m = MTrie::default();
        let start = std::time::Instant::now();
        for (i, topic) in topics.iter().enumerate() {
            assert!(t.add(topic));
            assert!(m.add(topic, i % 3));
        }
        assert!(start.elapsed() < std::time::Duration::from_secs(5));
        assert_eq!(t.num_prefixes(), 100_000);
        assert_eq!(m.num_prefixes(), 100_000);
        assert!(t.live_nodes() <= total + 1);
        assert!(m.live_nodes() <= total + 1);
        assert!(t.check(b"topic/00012345/4/more") && !t.check(b"topic/00012345/5"));
        for topic in &topics {
            assert!(t.rm(topic));
        }
        assert_eq!(t.live_nodes(), 1);
        for p in 0..3 {
            m.rm_pipe(p, true, |_| {});
        }
        assert_eq!(m.num_prefixes(), 0);
        assert_eq!(m.live_nodes(), 1);
        // Long topics: one node per byte, not more.
        let mut t = Trie::default();
        let long = vec![7u8; 200_000];
        t.add(&long);
        assert_eq!(t.live_nodes(), 200_001);
        t.rm(&long);
        assert_eq!(t.live_nodes(), 1);
    }
}
