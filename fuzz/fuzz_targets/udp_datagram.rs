//! The udp datagram formats: a RADIO datagram (group length, group, body)
//! and a DGRAM peer name ("ip:port"). Decoding never panics; what decodes
//! accounts for every octet and encodes back to the same datagram; a peer
//! name that parses prints and parses back to the same address.

#![no_main]

use libfuzzer_sys::fuzz_target;
use zmqrs::transport::udp;

fuzz_target!(|data: &[u8]| {
    if let Some((group, body)) = udp::decode_group_datagram(data) {
        assert_eq!(1 + group.len() + body.len(), data.len());
        let mut out = Vec::new();
        if udp::encode_group_datagram(group, body, &mut out) {
            assert_eq!(out, data);
        } else {
            assert!(data.len() > udp::MAX_DATAGRAM);
        }
    }
    if let Ok(addr) = udp::parse_peer_name(data) {
        assert_ne!(addr.port(), 0);
        assert_eq!(
            udp::parse_peer_name(&udp::peer_name(&addr)).ok(),
            Some(addr)
        );
    }
});
