/** Runtime semantics submitted programs get; pinned so a program behaves the same forever. */
export const PROGRAM_COMPATIBILITY_DATE = "2026-10-01";
