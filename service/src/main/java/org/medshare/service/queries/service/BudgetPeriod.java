package org.medshare.service.queries.service;

import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * The calendar period, in UTC, over which a hospital's privacy budget is counted: a day, a month or a year. A period
 * is named by its start ({@code 2026-12-05}, {@code 2026-12}, {@code 2026}), the {@code PERIOD} of the ledger's budget
 * events.
 */
public enum BudgetPeriod {
    /** {@code P1D}: named {@code YYYY-MM-DD}. */
    DAY,
    /** {@code P1M}: named {@code YYYY-MM}. */
    MONTH,
    /** {@code P1Y}: named {@code YYYY}. */
    YEAR;

    /**
     * The period an ISO-8601 duration names.
     *
     * @throws IllegalArgumentException unless it is {@code P1D}, {@code P1M} or {@code P1Y}
     */
    public static BudgetPeriod parse(String iso) {
        return switch (iso) {
            case "P1D" -> DAY;
            case "P1M" -> MONTH;
            case "P1Y" -> YEAR;
            default ->
                throw new IllegalArgumentException(
                        "medshare.privacy.hospital-budget-period must be P1D, P1M or P1Y, not " + iso);
        };
    }

    /** The name of the period that holds {@code at}. */
    public String nameOf(Instant at) {
        LocalDate day = at.atOffset(ZoneOffset.UTC).toLocalDate();
        return switch (this) {
            case DAY -> day.toString();
            case MONTH -> YearMonth.from(day).toString();
            case YEAR -> String.format("%04d", day.getYear());
        };
    }

    /**
     * When the period named {@code name} (of any of the three kinds) ends: the first instant of the next one.
     *
     * @throws IllegalArgumentException if {@code name} names no period
     */
    public static Instant endOf(String name) {
        try {
            LocalDate next = switch (name.length()) {
                case 4 -> LocalDate.of(Integer.parseInt(name) + 1, 1, 1);
                case 7 -> YearMonth.parse(name).plusMonths(1).atDay(1);
                case 10 -> LocalDate.parse(name).plusDays(1);
                default -> throw new IllegalArgumentException("not a budget period: " + name);
            };
            return next.atStartOfDay(ZoneOffset.UTC).toInstant();
        } catch (DateTimeParseException | NumberFormatException e) {
            throw new IllegalArgumentException("not a budget period: " + name, e);
        }
    }
}
