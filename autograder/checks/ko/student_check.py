"""한국어 메시지: grading/student/student_check.py (학생용 `check` 명령의 보고 줄)."""

MESSAGES = {
    "{name}: visible tests (the grader also runs hidden ones)":
        "{name}: 보이는 테스트 (채점기는 숨겨진 테스트도 실행합니다)",
    "Visible tests: {score:g}/{total:g} points": "보이는 테스트: {score:g}/{total:g}점",
}
