"""한국어 메시지: checks/compare.py."""
MESSAGES = {
    "Hint: {hint}": "힌트: {hint}",
    "{hint} Or: {other}": "{hint} 또는: {other}",
}
