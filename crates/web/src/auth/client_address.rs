//! The client's address, for the sign-in lockout and the self-referral limit. Behind a reverse
//! proxy every connection comes from the proxy, so one client's failures would lock everyone out
//! and one robot would use up everyone's self-referrals. With `--trusted-proxy`, a connection from
//! a trusted proxy takes its client from `X-Forwarded-For`: the nearest address in it that is not
//! itself a trusted proxy. Addresses further left were written by the client and prove nothing.

use crate::AppState;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use ipnet::IpNet;
use std::net::{IpAddr, SocketAddr};

/// The address of the client making the request (see the module's documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddress(pub IpAddr);

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = crate::WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip())
            .ok_or_else(|| crate::WebError::Internal("the server was started without connection information".into()))?;
        // Several headers are one list, in order (RFC 9110, section 5.3).
        let forwarded: Vec<&str> = parts.headers.get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok()).collect();
        Ok(ClientAddress(client_address(peer, &forwarded.join(","), &state.config.trusted_proxies)))
    }
}

/// The client behind `peer`: `peer` itself unless it is a trusted proxy; then, reading
/// `forwarded_for` from the right, the first address that is not a trusted proxy. A list that
/// runs out, or holds something that is not an address, leaves the last trusted hop: never an
/// address a client could have chosen.
pub fn client_address(peer: IpAddr, forwarded_for: &str, trusted: &[IpNet]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    let mut client = peer;
    for hop in forwarded_for.rsplit(',').map(str::trim).filter(|hop| !hop.is_empty()) {
        if !is_trusted(&client) {
            break;
        }
        match hop.parse::<IpAddr>() {
            Ok(ip) => client = ip,
            Err(_) => break,
        }
    }
    client
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn proxies() -> Vec<IpNet> {
        vec!["10.0.0.0/8".parse().unwrap(), IpNet::from(ip("192.0.2.7"))]
    }

    #[test]
    fn a_direct_client_is_its_own_address_whatever_it_says() {
        assert_eq!(client_address(ip("203.0.113.9"), "198.51.100.1", &proxies()), ip("203.0.113.9"));
    }

    #[test]
    fn behind_a_trusted_proxy_the_client_is_the_address_it_forwarded() {
        assert_eq!(client_address(ip("10.1.2.3"), "203.0.113.9", &proxies()), ip("203.0.113.9"));
    }

    #[test]
    fn addresses_a_client_wrote_before_the_proxy_are_not_believed() {
        // The client sent "X-Forwarded-For: 198.51.100.1"; the proxy appended the real address.
        assert_eq!(client_address(ip("10.1.2.3"), "198.51.100.1, 203.0.113.9", &proxies()), ip("203.0.113.9"));
    }

    #[test]
    fn a_chain_of_trusted_proxies_is_followed_to_the_client() {
        assert_eq!(client_address(ip("10.1.2.3"), "203.0.113.9, 192.0.2.7", &proxies()), ip("203.0.113.9"));
    }

    #[test]
    fn without_a_forwarded_address_the_proxy_is_the_client() {
        assert_eq!(client_address(ip("10.1.2.3"), "", &proxies()), ip("10.1.2.3"));
        assert_eq!(client_address(ip("10.1.2.3"), "unknown", &proxies()), ip("10.1.2.3"));
    }

    #[test]
    fn with_no_trusted_proxies_the_header_is_ignored() {
        assert_eq!(client_address(ip("10.1.2.3"), "203.0.113.9", &[]), ip("10.1.2.3"));
    }
}
