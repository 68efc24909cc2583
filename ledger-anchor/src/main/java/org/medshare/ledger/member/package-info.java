/**
 * Consortium membership: a CA (BouncyCastle, Ed25519 or SM2) certifies each member's checkpoint key
 * under {@code CN=<member id>}; admission and removal are MEMBER_ADMITTED / MEMBER_REMOVED ledger
 * events; {@link org.medshare.ledger.member.Membership} replays them (removed ids are black-listed
 * for good) and counts checkpoint cosignatures from admitted members against a quorum.
 */
package org.medshare.ledger.member;
