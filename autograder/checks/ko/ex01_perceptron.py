"""한국어 메시지: checks/ex01_perceptron.py."""

MESSAGES = {
    "the step must give 0 when the weighted sum is exactly 0 (fire only when it is above 0).":
        "가중합이 정확히 0이면 계단 함수는 0을 내야 합니다(0보다 클 때만 발화합니다).",
    "apply the step function to the weighted sum; return 0/1, not the sum itself.":
        "가중합에 계단 함수를 적용하세요. 가중합 자체가 아니라 0/1을 반환해야 합니다.",
    "the bias b belongs in the weighted sum before the step.":
        "편향 b는 계단 함수를 적용하기 전에 가중합에 더해야 합니다.",
    "below the threshold the step gives 0, not -1 (this is not the sign function).":
        "임계값 아래에서 계단 함수는 -1이 아니라 0을 냅니다(부호 함수가 아닙니다).",
    "below the threshold the step gives 0, not -1.":
        "임계값 아래에서 계단 함수는 -1이 아니라 0을 냅니다.",
    "Return one 0/1 value per row of X, as a NumPy array.":
        "X의 행마다 0/1 값을 하나씩, NumPy 배열로 반환하세요.",
    "perceptron matches the NumPy and PyTorch references on {n} batches":
        "perceptron이 배치 {n}개에서 NumPy 및 PyTorch 참조 구현과 일치합니다",
    "{name}_W (the {name} weights)": "{name}_W ({name}의 가중치)",
    "{name}_B (the {name} bias)": "{name}_B ({name}의 편향)",
    "{name}_W should be a NumPy array of shape (2,), one weight per input; it has shape {shape}.":
        "{name}_W는 입력마다 가중치가 하나씩 있는, 모양 (2,)의 NumPy 배열이어야 합니다. 지금 모양은 {shape}입니다.",
    "{name}_B should be one number; it has shape {shape}.":
        "{name}_B는 수 하나여야 합니다. 지금 모양은 {shape}입니다.",
    "{name}_W and {name}_B must be finite numbers.":
        "{name}_W와 {name}_B는 유한한 수여야 합니다.",
    "With {name}_W and {name}_B the perceptron gives {got} for input {x}, but {name}{x} = {want}. "
    "Its weighted sum there is {total:g}, and step(0) = 0.":
        "{name}_W와 {name}_B로는 퍼셉트론이 입력 {x}에 대해 {got}을 내지만, {name}{x} = {want}입니다. "
        "그 입력에서 가중합은 {total:g}이고, step(0) = 0입니다.",
    "With {name}_W and {name}_B the perceptron gives {got} for input {x}, but {name}{x} = {want}. "
    "Its weighted sum there is {total:g}.":
        "{name}_W와 {name}_B로는 퍼셉트론이 입력 {x}에 대해 {got}을 내지만, {name}{x} = {want}입니다. "
        "그 입력에서 가중합은 {total:g}입니다.",
    "{name} weights reproduce the truth table of {name}": "{name} 가중치가 {name}의 진리표를 그대로 재현합니다",
    "when the unit should have fired (y = 1) but did not, w must move toward x; check the sign of the correction.":
        "발화해야 했는데(y = 1) 발화하지 않았다면 w는 x 쪽으로 움직여야 합니다. 보정 항의 부호를 확인하세요.",
    "scale the correction by the learning rate lr.":
        "보정 항에 학습률 lr을 곱하세요.",
    "the weighted sum is exactly 0 here, so the prediction is 0 (step(0) = 0), the example is misclassified "
    "and w must move.":
        "여기서는 가중합이 정확히 0이므로 예측은 0이고(step(0) = 0), 예제가 잘못 분류되었으니 w가 움직여야 합니다.",
    "the prediction is right here, so w must not change.":
        "여기서는 예측이 맞으므로 w가 바뀌면 안 됩니다.",
    "new w": "새 w",
    "new b": "새 b",
    "the bias is corrected like a weight whose input is always 1.":
        "편향은 입력이 늘 1인 가중치처럼 갱신합니다.",
    "perceptron_update follows the learning rule in all four situations":
        "perceptron_update가 네 가지 상황 모두에서 학습 규칙을 따릅니다",
    "start from w = 0 and visit the examples in order, updating after each one.":
        "w = 0에서 시작해 예제를 순서대로 방문하고, 예제마다 바로 갱신하세요.",
    "start from b = 0 and update it with every example.":
        "b = 0에서 시작해 예제마다 b도 갱신하세요.",
    "errors[e] counts the examples misclassified in epoch e, each judged just before its own update.":
        "errors[e]는 에포크 e에서 잘못 분류된 예제의 개수이고, 각 예제는 자기 갱신 직전의 가중치로 판정합니다.",
    "errors[e] counts the mistakes of epoch e alone, not a running total over the epochs so far.":
        "errors[e]는 지금까지의 에포크에 걸친 누적 합이 아니라 에포크 e 하나의 오류 개수입니다.",
    "train_perceptron matches the references on AND, OR and {n} random points":
        "train_perceptron이 AND, OR와 무작위 점 {n}개에서 참조 구현과 일치합니다",
}
