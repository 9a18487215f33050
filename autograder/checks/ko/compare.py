"""한국어 메시지: checks/compare.py."""

MESSAGES = {
    # 답 셀이 실행되지 않아 이름이 정의되지 않았을 때
    "{name} is not defined: run the answer cell that defines it first (since the kernel started), then this cell.":
        "{name}: 정의되지 않은 이름입니다. 이 이름을 정의하는 답 셀을 (커널을 시작한 뒤에) 먼저 실행한 다음 "
        "이 셀을 실행하세요.",
    "{name} is not defined: its answer cell did not run, because line {line} of that cell has a syntax error "
    "({error}). Fix that line, run the answer cell again, then this cell.":
        "{name}: 정의되지 않은 이름입니다. 이 이름을 정의하는 답 셀의 {line}번째 줄에 문법 오류({error})가 있어서 "
        "그 셀이 실행되지 않았습니다. 그 줄을 고쳐 답 셀을 다시 실행한 다음 이 셀을 실행하세요.",
    "{name} is not defined: the answer cell that defines it stopped with an error before it got there "
    "(see that cell's output). Fix it, run it again, then this cell.":
        "{name}: 정의되지 않은 이름입니다. 이 이름을 정의하는 답 셀이 거기까지 가기 전에 오류로 멈췄습니다"
        "(그 셀의 출력을 보세요). 그 셀을 고쳐 다시 실행한 다음 이 셀을 실행하세요.",
    # 레이블: describe()
    " for {inputs}": " ({inputs}일 때)",
    "{part} (returned by {call})": "{part} ({call}의 반환값)",
    "{part} (returned by {call} for {inputs})": "{part} ({call}의 반환값, {inputs}일 때)",
    "{part} (the {ordinal} value returned by {call})": "{part} ({call}의 {ordinal} 반환값)",
    "{part} (the {ordinal} value returned by {call} for {inputs})": "{part} ({call}의 {ordinal} 반환값, {inputs}일 때)",
    "{name} of shape {shape}": "{name}의 모양 {shape}",
    "{first} and {last}": "{first} 및 {last}",
    "first": "첫 번째",
    "second": "두 번째",
    "third": "세 번째",
    "fourth": "네 번째",
    "fifth": "다섯 번째",
    "{n}th": "{n}번째",
    " (a difference of {difference:.2g})": " (차이 {difference:.2g})",
    # 값
    "a NumPy array": "NumPy 배열",
    "one number": "수 하나",
    "a NumPy array of shape {shape}": "모양이 {shape}인 NumPy 배열",
    "{label} is an integer of {digits} digits, too large for a NumPy number (64 bits at most); "
    "the grader refuses it too.":
        "{label}: {digits}자리 정수여서 NumPy 수(최대 64비트)에 담기에는 너무 큽니다. 채점기도 이 값을 받지 않습니다.",
    "{label} is None, but should be {kind}. Did the function forget to `return` its result "
    "(or the cell to assign the variable)?":
        "{label}: None입니다. 와야 할 값은 {kind}입니다. 함수에서 결과를 `return`하는 것을(또는 셀에서 변수에 "
        "값을 대입하는 것을) 잊지 않았나요?",
    "{label} is a torch tensor; this exercise asks for NumPy arrays.":
        "{label}: torch 텐서입니다. 이 연습문제는 NumPy 배열을 요구합니다.",
    " (make one with np.array(...))": " (np.array(...)로 만드세요)",
    "{label} should be {kind}{extra}, but it is a {type}.":
        "{label}: {type}입니다. 와야 할 값은 {kind}입니다{extra}.",
    "{label} has dtype {dtype}; expected numbers.":
        "{label}: dtype이 {dtype}입니다. 수가 와야 합니다.",
    "Hint: {hint}": "힌트: {hint}",
    "{label} has shape {got} but should have shape () (one number).{extra}":
        "{label}: 모양이 {got}입니다. 모양이 ()인 수 하나여야 합니다.{extra}",
    "{label} has shape {got} but should have shape {want}.{extra}":
        "{label}: 모양이 {got}입니다. 모양은 {want}이어야 합니다.{extra}",
    # 정밀도
    "{label}: the values are right to {dtype} precision, but {why}":
        "{label}: 값은 {dtype} 정밀도로는 맞지만, {why}",
    "the result is float64, but it differs from the right values only within float32 rounding (float32 keeps "
    "about 7 significant digits): most likely a float32 intermediate (np.float32(...), dtype=np.float32, "
    ".astype(np.float32), or a function of yours that returns float32) lost digits before the result became "
    "float64. Keep every step in float64.":
        "결과는 float64이지만 올바른 값과 float32 반올림 오차만큼만 다릅니다(float32는 유효숫자를 약 7자리 "
        "담습니다): 결과가 float64가 되기 전에 float32 중간값(np.float32(...), dtype=np.float32, "
        ".astype(np.float32), 또는 float32를 반환하는 직접 만든 함수)에서 자릿수를 잃었을 가능성이 큽니다. "
        "모든 단계를 float64로 계산하세요.",
    "the result is {dtype}, which keeps only about {digits} significant digits. This exercise asks for float64 "
    "results (NumPy's default), so the result must be float64: do not convert to {dtype}.":
        "결과가 {dtype}이고, {dtype}은(는) 유효숫자를 약 {digits}자리만 담습니다. 이 연습문제는 float64 결과"
        "(NumPy의 기본값)를 요구하므로 결과는 float64여야 합니다: {dtype}(으)로 바꾸지 마세요.",
    "the values are right to float32 precision, but {why}": "값은 float32 정밀도로는 맞지만, {why}",
    "{hint} Also: {note}": "{hint} 또한: {note}",
    "Note: {note}": "참고: {note}",
    # 틀린 값
    "{label}: got NaN but {against} gives {want}.": "{label}: 결과는 NaN인데 {against}의 결과는 {want}입니다.",
    "{label}: got NaN but should be {want}.": "{label}: 결과는 NaN인데 정답은 {want}입니다.",
    "{label}: entry {index} is NaN but {against} gives {want}.":
        "{label}: 항목 {index}의 값은 NaN인데 {against}의 결과는 {want}입니다.",
    "{label}: entry {index} is NaN but should be {want}.": "{label}: 항목 {index}의 값은 NaN인데 정답은 {want}입니다.",
    "{label}: got {got} but {against} gives {want}{note} ({count}{tolerance}).":
        "{label}: 결과는 {got}인데 {against}의 결과는 {want}입니다{note} ({count}{tolerance}).",
    "{label}: got {got} but should be {want}{note} ({count}{tolerance}).":
        "{label}: 결과는 {got}인데 정답은 {want}입니다{note} ({count}{tolerance}).",
    "{label}: entry {index} is {got} but {against} gives {want}{note} ({count}{tolerance}).":
        "{label}: 항목 {index}의 값은 {got}인데 {against}의 결과는 {want}입니다{note} ({count}{tolerance}).",
    "{label}: entry {index} is {got} but should be {want}{note} ({count}{tolerance}).":
        "{label}: 항목 {index}의 값은 {got}인데 정답은 {want}입니다{note} ({count}{tolerance}).",
    "{n} of {size} entries is wrong; ": "{size}개 중 {n}개 틀림; ",
    "{n} of {size} entries are wrong; ": "{size}개 중 {n}개 틀림; ",
    "the answer must be exact": "정확히 같아야 함",
    "tolerance rtol={rtol:g}, atol={atol:g}": "허용 오차 rtol={rtol:g}, atol={atol:g}",
    "{hint} Or: {other}": "{hint} 또는: {other}",
    "{label} holds {what}, which is not plain data. {advice}":
        "{label}에 {what}이(가) 들어 있습니다. 이것은 순수 데이터(plain data)가 아닙니다. {advice}",
    # 학생의 함수 호출
    "{label} is not implemented yet (it raises NotImplementedError).":
        "{label}: 아직 구현되지 않았습니다(NotImplementedError를 일으킵니다).",
    "{label} raised {error}: {message}{line}{hint}": "{label}: {error} 예외가 발생했습니다: {message}{line}{hint}",
    "{label} changed its argument {name} in place: {change}. Leave the inputs unchanged: compute new arrays "
    "instead of writing into the ones you received (x = x * 2 makes a new array; x *= 2 or x[...] = ... change "
    "the caller's).":
        "{label}: 인자 {name}을(를) 제자리에서 바꿨습니다: {change}. 입력은 그대로 두세요: 받은 배열에 값을 "
        "써넣지 말고 새 배열을 계산하세요(x = x * 2는 새 배열을 만들지만, x *= 2나 x[...] = ...는 호출한 쪽의 "
        "배열을 바꿉니다).",
    "{label}: {name} comes from {module}, not from your notebook. The grader refuses functions taken from the "
    "course package or torch (this answer would score 0): write the function yourself.":
        "{label}: {name}은(는) 노트북이 아니라 {module}에서 가져온 것입니다. 채점기는 강좌 패키지나 torch에서 "
        "가져온 함수를 받지 않습니다(이 답은 0점이 됩니다): 함수를 직접 작성하세요.",
    " (in line {line}: `{code}`)": " ({line}번째 줄: `{code}`)",
    "{name} went from {old_dtype} {old_shape} to {new_dtype} {new_shape}":
        "{name}이(가) {old_dtype} {old_shape}에서 {new_dtype} {new_shape}(으)로 바뀌었습니다",
    "{name} went from {old} to {new} (adding a number and subtracting it again does not always give back the "
    "same float: work on a copy)":
        "{name}이(가) {old}에서 {new}(으)로 바뀌었습니다(수를 더했다가 다시 빼도 늘 같은 부동소수점 수로 "
        "돌아오지는 않습니다: 복사본으로 작업하세요)",
    "{name} entry {index} went from {old} to {new} (adding a number and subtracting it again does not always "
    "give back the same float: work on a copy)":
        "{name}의 항목 {index}이(가) {old}에서 {new}(으)로 바뀌었습니다(수를 더했다가 다시 빼도 늘 같은 "
        "부동소수점 수로 돌아오지는 않습니다: 복사본으로 작업하세요)",
    "{name} went from {old} to {new}": "{name}이(가) {old}에서 {new}(으)로 바뀌었습니다",
    "{name} entry {index} went from {old} to {new}": "{name}의 항목 {index}이(가) {old}에서 {new}(으)로 바뀌었습니다",
    "the list {name} had {before} items and now has {after} (pop, append, del, remove and slice assignment "
    "change the caller's list; loop over it instead)":
        "리스트 {name}의 항목이 {before}개에서 {after}개가 되었습니다(pop, append, del, remove와 슬라이스 대입은 "
        "호출한 쪽의 리스트를 바꿉니다. 대신 리스트를 순회하세요)",
    "{name} is no longer what was passed": "{name}이(가) 전달받은 값과 달라졌습니다",
    # 다른 함수 때문에 실패할 때
    "which {name} calls": "{name}이(가) 호출하는 함수",
    "which {name} may call": "{name}이(가) 호출할 수도 있는 함수",
    "First fix {helper}, {where}: {error} Then {name}'s own test: ":
        "먼저 {helper}을(를) 고치세요({where}): {error} 그다음은 {name} 자체의 테스트입니다: ",
    "the function": "이 함수",
    " Note: {name} reads {names} from the notebook (a variable defined outside the function, perhaps in another "
    "cell), not from its arguments: a function should use only its arguments and its own variables, as the test "
    "passes other inputs.":
        " 참고: {name}은(는) {names}을(를) 인자가 아니라 노트북에서 읽습니다(함수 밖에서, 아마 다른 셀에서 "
        "정의한 변수). 테스트는 다른 입력을 넘기므로, 함수는 자기 인자와 자기 변수만 써야 합니다.",
    "{label} returned None, but should return a tuple of {n} values. Did the function forget to `return` them?":
        "{label}: None을 반환했습니다. 값 {n}개의 튜플을 반환해야 합니다. 함수에서 값들을 `return`하는 것을 "
        "잊지 않았나요?",
    "a {type} of length {length}": "길이가 {length}인 {type}",
    "a {type}": "{type}",
    "{label} should return a tuple of {n} values, got {kind}.":
        "{label}: 값 {n}개의 튜플을 반환해야 하는데, 반환된 것은 {kind}입니다.",
}
