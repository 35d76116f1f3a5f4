//! Subscription tries: prefixes of bytes (any bytes, the empty prefix too).
//!
//! `Trie` counts how often each prefix was subscribed (SUB / XSUB keep their
//! own subscriptions in one); `MTrie` holds, per prefix, the set of pipes
//! subscribed to it (XPUB: which peers want a message, and whether a
//! subscription is new or the last of its kind).
//!
//! Both sit on one arena of nodes forming a radix tree: each node holds the
//! bytes of the edge that leads to it (its label, at least one byte but for
//! the root), its children sorted by their label's first byte, and a value.
//! A chain of bytes nobody branches from or subscribes in the middle of is
//! one node, so a long topic costs about its own length in memory (the
//! per-byte tree this replaced cost about 90 bytes per byte), and adding or
//! matching it costs one comparison of its bytes. Emptied branches are
//! pruned, a node left with one child and no value is merged into it, and
//! nodes are reused.

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
    /// The bytes from the parent to this node (empty only at the root).
    label: Box<[u8]>,
    /// (first byte of the child's label, node index), sorted by byte.
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

/// How many leading bytes `a` and `b` share.
fn common_len(a: &[u8], b: &[u8]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

impl<V: Value> Arena<V> {
    fn child(&self, node: u32, b: u8) -> Option<u32> {
        let ch = &self.nodes[node as usize].children;
        ch.binary_search_by_key(&b, |c| c.0).ok().map(|i| ch[i].1)
    }

    fn alloc(&mut self, label: &[u8]) -> u32 {
        let node = Node {
            label: label.into(),
            children: Vec::new(),
            value: V::default(),
        };
        match self.free.pop() {
            Some(f) => {
                self.nodes[f as usize] = node;
                f
            }
            None => {
                self.nodes.push(node);
                (self.nodes.len() - 1) as u32
            }
        }
    }

    /// The nodes from the root to the node whose prefix is exactly
    /// `prefix`, if there is one.
    fn path(&self, prefix: &[u8]) -> Option<Vec<u32>> {
        let mut path = vec![0];
        let mut rest = prefix;
        while let Some(&b) = rest.first() {
            let c = self.child(*path.last()?, b)?;
            let label = &self.nodes[c as usize].label;
            rest = rest.strip_prefix(&label[..])?;
            path.push(c);
        }
        Some(path)
    }

    fn find(&self, prefix: &[u8]) -> Option<u32> {
        self.path(prefix).and_then(|p| p.last().copied())
    }

    fn find_or_insert(&mut self, prefix: &[u8]) -> u32 {
        let mut n = 0u32;
        let mut rest = prefix;
        while let Some(&b) = rest.first() {
            let pos = self.nodes[n as usize]
                .children
                .binary_search_by_key(&b, |c| c.0);
            let i = match pos {
                Ok(i) => i,
                Err(i) => {
                    let new = self.alloc(rest);
                    self.nodes[n as usize].children.insert(i, (b, new));
                    return new;
                }
            };
            let c = self.nodes[n as usize].children[i].1;
            let label = &self.nodes[c as usize].label;
            let common = common_len(label, rest);
            if common < label.len() {
                // Split the edge: a new node for the shared bytes, the old
                // child below it with the rest of its label.
                let (head, tail) = label.split_at(common);
                let (head, tail): (Box<[u8]>, Box<[u8]>) = (head.into(), tail.into());
                let mid = self.alloc(&head);
                self.nodes[c as usize].label = tail;
                let first = self.nodes[c as usize].label[0];
                self.nodes[mid as usize].children.push((first, c));
                self.nodes[n as usize].children[i].1 = mid;
                n = mid;
            } else {
                n = c;
            }
            rest = &rest[common..];
        }
        n
    }

    fn is_dead(&self, n: u32) -> bool {
        let node = &self.nodes[n as usize];
        node.children.is_empty() && node.value.is_empty()
    }

    fn release(&mut self, n: u32) {
        self.nodes[n as usize] = Node::default();
        self.free.push(n);
    }

    /// Puts node `n` (not the root) back in shape after its value or its
    /// children changed: dead, it leaves its parent (true); with no value
    /// and a single child, the child moves up into it.
    fn tidy(&mut self, parent: u32, n: u32) -> bool {
        if self.is_dead(n) {
            let first = self.nodes[n as usize].label[0];
            let ch = &mut self.nodes[parent as usize].children;
            if let Ok(k) = ch.binary_search_by_key(&first, |c| c.0) {
                ch.remove(k);
            }
            self.release(n);
            return true;
        }
        let node = &self.nodes[n as usize];
        if node.value.is_empty() && node.children.len() == 1 {
            let c = node.children[0].1;
            let child = std::mem::take(&mut self.nodes[c as usize]);
            let node = &mut self.nodes[n as usize];
            let mut label = std::mem::take(&mut node.label).into_vec();
            label.extend_from_slice(&child.label);
            node.label = label.into_boxed_slice();
            node.children = child.children;
            node.value = child.value;
            self.free.push(c);
        }
        false
    }

    /// Tidies the nodes along `prefix`, deepest first.
    fn prune_path(&mut self, prefix: &[u8]) {
        let Some(path) = self.path(prefix) else {
            return;
        };
        for i in (1..path.len()).rev() {
            if !self.tidy(path[i - 1], path[i]) && i < path.len() - 1 {
                return;
            }
        }
    }

    /// Visits every node in prefix order (a prefix before its extensions,
    /// bytes ascending), with its prefix; then prunes the emptied nodes.
    fn visit_all(&mut self, mut f: impl FnMut(&[u8], &mut V)) {
        let mut prefix = Vec::new();
        // (node, its parent's prefix length)
        let mut stack: Vec<(u32, usize)> = vec![(0, 0)];
        while let Some((n, depth)) = stack.pop() {
            prefix.truncate(depth);
            let node = &mut self.nodes[n as usize];
            prefix.extend_from_slice(&node.label);
            f(&prefix, &mut node.value);
            for &(_, c) in self.nodes[n as usize].children.iter().rev() {
                stack.push((c, prefix.len()));
            }
        }
        self.prune_all();
    }

    /// Tidies every node (post-order).
    fn prune_all(&mut self) {
        // (node, its parent, next child position to look at)
        let mut stack: Vec<(u32, u32, usize)> = vec![(0, 0, 0)];
        while let Some(&mut (n, _, ref mut pos)) = stack.last_mut() {
            let ch = &self.nodes[n as usize].children;
            if *pos < ch.len() {
                let c = ch[*pos].1;
                *pos += 1;
                stack.push((c, n, 0));
                continue;
            }
            let (n, parent, _) = stack.pop().unwrap_or_default();
            if n != 0 && self.tidy(parent, n) {
                // One child fewer: the parent's next one moved down a place.
                if let Some(top) = stack.last_mut() {
                    top.2 -= 1;
                }
            }
        }
    }

    /// Calls `f` with the value of every node whose prefix starts `data`.
    fn for_each_prefix_of(&self, data: &[u8], mut f: impl FnMut(&V)) {
        let mut n = 0;
        let mut rest = data;
        f(&self.nodes[0].value);
        while let Some(&b) = rest.first() {
            let Some(c) = self.child(n, b) else {
                return;
            };
            let node = &self.nodes[c as usize];
            match rest.strip_prefix(&node.label[..]) {
                Some(r) => rest = r,
                None => return,
            }
            f(&node.value);
            n = c;
        }
    }

    fn live_nodes(&self) -> usize {
        self.nodes.len() - self.free.len()
    }

    /// Heap bytes held for the live nodes' labels and child lists, plus
    /// the node slots (the subscription-memory benchmark reads RSS; this
    /// is for tests).
    fn heap_bytes(&self) -> usize {
        self.nodes.capacity() * std::mem::size_of::<Node<V>>()
            + self
                .nodes
                .iter()
                .map(|n| n.label.len() + n.children.capacity() * 8)
                .sum::<usize>()
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
        let mut stack: Vec<(u32, usize)> = vec![(0, 0)];
        while let Some((n, depth)) = stack.pop() {
            prefix.truncate(depth);
            let node = &self.arena.nodes[n as usize];
            prefix.extend_from_slice(&node.label);
            if node.value > 0 {
                out.push(prefix.clone());
            }
            for &(_, c) in node.children.iter().rev() {
                stack.push((c, prefix.len()));
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

    pub fn heap_bytes(&self) -> usize {
        self.arena.heap_bytes()
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

    pub fn heap_bytes(&self) -> usize {
        self.arena.heap_bytes()
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
        // Long topics: a node each, about their length in memory.
        let mut t = Trie::default();
        let long = vec![7u8; 200_000];
        t.add(&long);
        assert_eq!(t.live_nodes(), 2);
        assert!(t.heap_bytes() < 2 * long.len());
        t.rm(&long);
        assert_eq!(t.live_nodes(), 1);
    }

    /// Random adds, removes and matches against a plain map of prefixes,
    /// over a small alphabet so that prefixes share and split a lot; the
    /// tree stays compressed (no node without a value and with one child
    /// but the root) and pruned.
    #[test]
    fn matches_a_reference_model() {
        use std::collections::BTreeMap;
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = move |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        let mut t = Trie::default();
        let mut m = MTrie::default();
        let mut counts: BTreeMap<Vec<u8>, u32> = BTreeMap::new();
        let mut pipes: BTreeMap<Vec<u8>, Vec<PipeIdx>> = BTreeMap::new();
        for _ in 0..20_000 {
            let len = next(6) as usize;
            let key: Vec<u8> = (0..len).map(|_| b"ab\0"[next(3) as usize]).collect();
            let pipe = next(3) as PipeIdx;
            match next(5) {
                0 | 1 => {
                    let c = counts.entry(key.clone()).or_default();
                    *c += 1;
                    assert_eq!(t.add(&key), *c == 1);
                    let v = pipes.entry(key.clone()).or_default();
                    let first = v.is_empty();
                    if !v.contains(&pipe) {
                        v.push(pipe);
                    }
                    assert_eq!(m.add(&key, pipe), first);
                }
                2 | 3 => {
                    let was = counts.get(&key).copied().unwrap_or(0);
                    if was > 0 {
                        counts.insert(key.clone(), was - 1);
                    }
                    assert_eq!(t.rm(&key), was == 1);
                    if was == 1 {
                        counts.remove(&key);
                    }
                    let want = match pipes.get_mut(&key) {
                        Some(v) if v.contains(&pipe) => {
                            v.retain(|&p| p != pipe);
                            if v.is_empty() {
                                pipes.remove(&key);
                                RmResult::LastValueRemoved
                            } else {
                                RmResult::ValuesRemain
                            }
                        }
                        _ => RmResult::NotFound,
                    };
                    assert_eq!(m.rm(&key, pipe), want);
                }
                _ => {
                    m.rm_pipe(pipe, false, |_| {});
                    pipes.retain(|_, v| {
                        v.retain(|&p| p != pipe);
                        !v.is_empty()
                    });
                }
            }
            let data: Vec<u8> = (0..next(8)).map(|_| b"ab\0"[next(3) as usize]).collect();
            let want = counts.keys().any(|k| data.starts_with(k));
            assert_eq!(t.check(&data), want, "{data:?}");
            let mut got = Vec::new();
            m.match_pipes(&data, |p| got.push(p));
            got.sort_unstable();
            let mut want: Vec<PipeIdx> = pipes
                .iter()
                .filter(|(k, _)| data.starts_with(k))
                .flat_map(|(_, v)| v.iter().copied())
                .collect();
            want.sort_unstable();
            assert_eq!(got, want);
        }
        assert_eq!(t.prefixes(), counts.keys().cloned().collect::<Vec<_>>());
        assert_eq!(t.num_prefixes(), counts.len());
        assert_eq!(m.num_prefixes(), pipes.len());
        for arena_nodes in [&t.arena.nodes] {
            for (i, n) in arena_nodes.iter().enumerate().skip(1) {
                if t.arena.free.contains(&(i as u32)) {
                    continue;
                }
                assert!(!n.label.is_empty());
                assert!(
                    !(n.value == 0 && n.children.len() <= 1),
                    "node {i} not compressed"
                );
            }
        }
    }
}
