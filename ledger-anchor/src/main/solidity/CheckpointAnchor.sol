// SPDX-License-Identifier: UNLICENSED
pragma solidity 0.8.37;

/// @title MedShare checkpoint anchor
/// @notice Fixes a consortium's audit-log history in a ledger that nobody in
///         the consortium controls: the consortium's anchoring account records
///         the (origin, size, root) of final signed checkpoints (C2SP
///         tlog-checkpoint) on an external EVM chain. Anyone can later compare
///         every anchored root with the root recomputed from the log's entries
///         at that size (RFC 9162 MTH), so a log rewritten and re-signed after
///         an anchor is caught without trusting any consortium key.
///
/// Rules (custom errors, nothing changes on refusal): only the anchoring
/// account fixed at deployment may anchor; per origin, sizes strictly
/// increase (so size 0, the empty tree, is never anchored); the origin is not
/// empty. Every accepted anchor emits one `Anchored` event; `latest` reads the
/// largest anchored checkpoint of an origin.
contract CheckpointAnchor {
    /// The consortium's anchoring account: the only one that may anchor.
    address public immutable anchorer;

    struct Anchor {
        uint64 size;
        bytes32 root;
    }

    /// The latest anchor per origin, keyed by keccak256(origin).
    mapping(bytes32 => Anchor) private latestOf;

    /// One per accepted anchor; `originHash` = keccak256(bytes(origin)) for filtering.
    event Anchored(bytes32 indexed originHash, string origin, uint64 size, bytes32 root);

    error ZeroAddress();
    error NotAnchorer(address caller);
    error EmptyOrigin();
    error SizeNotIncreasing(uint64 latestSize, uint64 size);

    constructor(address anchorer_) {
        if (anchorer_ == address(0)) revert ZeroAddress();
        anchorer = anchorer_;
    }

    /// Records that the log `origin` had Merkle root `root` at tree size `size`.
    function anchor(string calldata origin, uint64 size, bytes32 root) external {
        if (msg.sender != anchorer) revert NotAnchorer(msg.sender);
        if (bytes(origin).length == 0) revert EmptyOrigin();
        bytes32 key = keccak256(bytes(origin));
        uint64 latestSize = latestOf[key].size;
        if (size <= latestSize) revert SizeNotIncreasing(latestSize, size);
        latestOf[key] = Anchor(size, root);
        emit Anchored(key, origin, size, root);
    }

    /// The largest anchored checkpoint of `origin`; (0, 0) when none.
    function latest(string calldata origin) external view returns (uint64 size, bytes32 root) {
        Anchor storage a = latestOf[keccak256(bytes(origin))];
        return (a.size, a.root);
    }
}
