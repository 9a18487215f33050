"""한국어 메시지: grading/student/judge.py
(숨겨진 테스트의 실패 종류와, 채점기가 테스트를 실행하지 못했을 때의 안내)."""

MESSAGES = {
    "the grader could not run this test ({error} in the check); your instructor will look at it":
        "채점기가 이 테스트를 실행하지 못했습니다(검사 코드에서 {error} 발생). 담당 교수자가 확인할 것입니다",
    "an error": "오류",
    "a hidden test failed: {kind}": "숨겨진 테스트 실패: {kind}",
    "the time budget for this student was used up": "이 학생에게 주어진 시간 예산을 다 썼습니다",
    "timed out": "시간 초과",
    "the notebook's process stopped": "노트북의 프로세스가 멈췄습니다",
    "not implemented": "아직 구현하지 않았습니다",
    "raised an exception": "예외가 발생했습니다",
    "a name the test needs is missing or unusable": "테스트에 필요한 이름이 없거나 쓸 수 없습니다",
    "changed an input in place": "입력을 제자리에서 바꿨습니다",
    "returned None": "None을 반환했습니다",
    "wrong shape": "모양이 틀렸습니다",
    "wrong type of result": "결과의 자료형이 틀렸습니다",
    "wrong value": "값이 틀렸습니다",
}
