// SPDX-License-Identifier: UNLICENSED
pragma solidity 0.8.37;

/// @title MedShare incentive escrow
/// @notice Insurers pay hospitals for the records that an approved aggregate
///         query used. Every ledger member executes this contract on its
///         embedded EVM in the same order, so every member holds the same
///         balances and the same state root; replaying the calls from genesis
///         reproduces both.
///
/// Units. Amounts are integers in the smallest currency unit (for example
/// euro cents). The contract holds no ether: every function is non-payable,
/// and escrow is credited by the operator, who attests the off-chain receipt
/// of the insurer's transfer.
///
/// Price. `pricePerRecord` is a fixed-point number with PRICE_SCALE (10^6)
/// sub-units per currency unit, so a price below one cent per record can be
/// expressed (350000 = 0.35 cents per record).
///
/// Settlement and the rounding rule (mirrored by the Java class
/// org.medshare.ledger.contract.ProRataSplit; both must change together):
///   T      = sum of recordCounts
///   amount = floor(T * pricePerRecord / PRICE_SCALE)           charged to the insurer
///   share_i = floor(amount * recordCounts[i] / T)                paid to hospital i
///   remainder = amount - sum(share_i)    (0 <= remainder < number of hospitals)
///   The whole remainder goes to the hospital with the largest record count;
///   among equal largest counts, to the lowest address. Hospitals must be
///   listed in strictly ascending address order, so that hospital is the
///   first one with the largest count. Hence sum of payouts == amount exactly.
///
/// Refusals (custom errors, nothing changes): a query id settled before, an
/// escrow smaller than the amount, malformed settlement lists, withdrawals
/// above the balance, operator-only calls from anyone else.
contract IncentiveEscrow {
    /// Sub-units of pricePerRecord per currency unit.
    uint256 public constant PRICE_SCALE = 1_000_000;

    /// The consortium operator: credits deposits and sets the price.
    address public immutable operator;

    /// Price per record in 1/PRICE_SCALE currency units.
    uint256 public pricePerRecord;

    /// Unspent escrow of each insurer.
    mapping(address => uint256) public escrowOf;

    /// Earned, not yet withdrawn balance of each hospital.
    mapping(address => uint256) public balanceOf;

    /// Query ids already settled (a query is paid at most once).
    mapping(bytes32 => bool) public settled;

    event Deposited(address indexed insurer, uint256 amount, uint256 escrowAfter);
    event Settled(bytes32 indexed queryId, address indexed insurer, uint256 totalRecords, uint256 amount);
    event Paid(bytes32 indexed queryId, address indexed hospital, uint256 recordCount, uint256 amount);
    event Withdrawn(address indexed hospital, uint256 amount, uint256 balanceAfter);
    event EscrowReclaimed(address indexed insurer, uint256 amount, uint256 escrowAfter);
    event PriceChanged(uint256 oldPrice, uint256 newPrice);

    error NotOperator(address caller);
    error ZeroAddress();
    error ZeroAmount();
    error QueryAlreadySettled(bytes32 queryId);
    error InsufficientEscrow(address insurer, uint256 required, uint256 available);
    error InsufficientBalance(address account, uint256 requested, uint256 available);
    error LengthMismatch(uint256 hospitals, uint256 recordCounts);
    error EmptySettlement();
    error HospitalsNotAscending(uint256 index);
    error ZeroRecordCount(uint256 index);

    modifier onlyOperator() {
        if (msg.sender != operator) revert NotOperator(msg.sender);
        _;
    }

    constructor(uint256 initialPricePerRecord) {
        operator = msg.sender;
        pricePerRecord = initialPricePerRecord;
        emit PriceChanged(0, initialPricePerRecord);
    }

    /// Credits `amount` to the escrow of `insurer` (operator only).
    function deposit(address insurer, uint256 amount) external onlyOperator {
        if (insurer == address(0)) revert ZeroAddress();
        if (amount == 0) revert ZeroAmount();
        uint256 escrowAfter = escrowOf[insurer] + amount;
        escrowOf[insurer] = escrowAfter;
        emit Deposited(insurer, amount, escrowAfter);
    }

    /// Sets the price per record for later settlements (operator only).
    function setPricePerRecord(uint256 newPrice) external onlyOperator {
        uint256 oldPrice = pricePerRecord;
        pricePerRecord = newPrice;
        emit PriceChanged(oldPrice, newPrice);
    }

    /// Pays the hospitals whose records query `queryId` used, from the
    /// caller's (the insurer's) escrow, pro rata to their record counts with
    /// the rounding rule above. A caller can only ever spend its own escrow.
    function settle(bytes32 queryId, address[] calldata hospitals, uint256[] calldata recordCounts)
        external
        returns (uint256 amount)
    {
        if (settled[queryId]) revert QueryAlreadySettled(queryId);
        uint256 n = hospitals.length;
        if (n != recordCounts.length) revert LengthMismatch(n, recordCounts.length);
        if (n == 0) revert EmptySettlement();

        uint256 totalRecords = 0;
        uint256 largest = 0;
        address previous = address(0);
        for (uint256 i = 0; i < n; i++) {
            address hospital = hospitals[i];
            if (hospital <= previous) {
                if (i == 0) revert ZeroAddress();
                revert HospitalsNotAscending(i);
            }
            previous = hospital;
            uint256 count = recordCounts[i];
            if (count == 0) revert ZeroRecordCount(i);
            if (count > recordCounts[largest]) largest = i;
            totalRecords += count;
        }

        amount = (totalRecords * pricePerRecord) / PRICE_SCALE;
        uint256 available = escrowOf[msg.sender];
        if (available < amount) revert InsufficientEscrow(msg.sender, amount, available);

        settled[queryId] = true;
        escrowOf[msg.sender] = available - amount;
        emit Settled(queryId, msg.sender, totalRecords, amount);

        uint256 paid = 0;
        uint256[] memory shares = new uint256[](n);
        for (uint256 i = 0; i < n; i++) {
            uint256 share = (amount * recordCounts[i]) / totalRecords;
            shares[i] = share;
            paid += share;
        }
        shares[largest] += amount - paid;
        for (uint256 i = 0; i < n; i++) {
            balanceOf[hospitals[i]] += shares[i];
            emit Paid(queryId, hospitals[i], recordCounts[i], shares[i]);
        }
    }

    /// Withdraws `amount` of the caller's earned balance (paid out off-chain).
    function withdraw(uint256 amount) external {
        if (amount == 0) revert ZeroAmount();
        uint256 available = balanceOf[msg.sender];
        if (available < amount) revert InsufficientBalance(msg.sender, amount, available);
        uint256 balanceAfter = available - amount;
        balanceOf[msg.sender] = balanceAfter;
        emit Withdrawn(msg.sender, amount, balanceAfter);
    }

    /// Returns `amount` of the caller's unspent escrow to the insurer.
    function reclaimEscrow(uint256 amount) external {
        if (amount == 0) revert ZeroAmount();
        uint256 available = escrowOf[msg.sender];
        if (available < amount) revert InsufficientEscrow(msg.sender, amount, available);
        uint256 escrowAfter = available - amount;
        escrowOf[msg.sender] = escrowAfter;
        emit EscrowReclaimed(msg.sender, amount, escrowAfter);
    }
}
