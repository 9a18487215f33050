"""한국어 메시지: checks/ex02_xor_mlp.py."""

MESSAGES = {
    "W already has shape (n_in, n_out), one column per output unit: do not transpose it.":
        "W는 이미 출력 단위마다 열이 하나인 (n_in, n_out) 모양입니다: 전치하지 마세요.",
    "add the bias b to every row.":
        "모든 행에 편향 b를 더하세요.",
    "one example per ROW: the examples are the rows of X, so X comes first in the product "
    "(the lectures' W x is the column form).":
        "예제 하나가 한 행(ROW)입니다: 예제는 X의 행이므로 곱에서 X가 먼저 옵니다"
        "(강의의 W x는 열 형태입니다).",
    "return one row per example, shape (N, n_out), not its transpose.":
        "그 전치가 아니라, 예제마다 행이 하나인 (N, n_out) 모양으로 반환하세요.",
    "b has one bias per output unit: b[j] belongs to column j of the result, added to every row "
    "(not one bias per example).":
        "b에는 출력 단위마다 편향이 하나 있습니다: b[j]는 결과의 j번째 열에 속하며 모든 행에 더해집니다"
        "(예제마다 편향이 하나인 것이 아닙니다).",
    "X has shape (N, n_in), W (n_in, n_out) and b (n_out,); the result has one row per example, shape (N, n_out).":
        "X의 모양은 (N, n_in), W는 (n_in, n_out), b는 (n_out,)입니다. 결과는 예제마다 행이 하나인 (N, n_out) "
        "모양입니다.",
    "dense_forward matches the NumPy and PyTorch references on {n} batches":
        "dense_forward가 배치 {n}개에서 NumPy 및 PyTorch 참조 구현과 일치합니다",
    "the variable {name}": "변수 {name}",
    "W1 should be a NumPy array of shape (2, n_hidden), one row per input; it has shape {shape}.":
        "W1은 입력마다 행이 하나인, 모양 (2, n_hidden)의 NumPy 배열이어야 합니다. 지금 모양은 {shape}입니다.",
    "b1 should have shape ({h},), one bias per hidden unit; it has shape {shape}.":
        "b1은 은닉 단위마다 편향이 하나인 모양 ({h},)이어야 합니다. 지금 모양은 {shape}입니다.",
    "W2 should have shape ({h}, 1), one row per hidden unit; it has shape {shape}.":
        "W2는 은닉 단위마다 행이 하나인 모양 ({h}, 1)이어야 합니다. 지금 모양은 {shape}입니다.",
    "b2 should have shape (1,), one output unit; it has shape {shape}.":
        "b2는 출력 단위 하나에 맞는 모양 (1,)이어야 합니다. 지금 모양은 {shape}입니다.",
    "W1, b1, W2 and b2 must hold finite numbers.":
        "W1, b1, W2, b2에는 유한한 수만 들어 있어야 합니다.",
    "W1 holds one row per hidden unit (the lectures' W x form), but here the weights of hidden unit j are "
    "column j of W1, since the network computes X @ W1 with one example per row. Hint: write each unit's "
    "weights as a column.":
        "W1에 은닉 단위마다 행이 하나씩 들어 있습니다(강의의 W x 형태). 하지만 여기서는 신경망이 예제 하나를 "
        "한 행으로 두고 X @ W1을 계산하므로, 은닉 단위 j의 가중치는 W1의 j번째 열입니다. 힌트: 단위마다 "
        "가중치를 열로 쓰세요.",
    "With W1, b1, W2, b2 the network gives {got} for input {x}, but XOR{x} = {want}. The hidden units give "
    "{hidden} there. Hint: XOR is AND(NAND, OR): let the hidden units compute NAND and OR (one per column of "
    "W1) and the output unit the AND of the two.":
        "W1, b1, W2, b2로는 신경망이 입력 {x}에 대해 {got}을 내지만, XOR{x} = {want}입니다. 그 입력에서 "
        "은닉 단위들은 {hidden}을(를) 냅니다. 힌트: XOR은 AND(NAND, OR)입니다: 은닉 단위들이 NAND와 OR를"
        "(W1의 열마다 하나씩) 계산하고, 출력 단위가 그 둘의 AND를 계산하게 하세요.",
    "W1, b1, W2, b2 compute XOR on all four inputs":
        "W1, b1, W2, b2가 네 입력 모두에서 XOR을 계산합니다",
    "W1 should have shape (2, 2), one column per hidden unit (two units); it has shape {shape}.":
        "W1은 은닉 단위(두 개)마다 열이 하나인 모양 (2, 2)여야 합니다. 지금 모양은 {shape}입니다.",
    "On the inputs (0, 0), (0, 1), (1, 0), (1, 1) the hidden units give {first} and {second}, but one should "
    "give [0, 0, 1, 0] (x1 and not x2) and the other [0, 1, 0, 0] (x2 and not x1). Hint: exercise 01's ANDNOT "
    "gate is the first unit; the second is the same unit with the roles of the two inputs swapped.":
        "입력 (0, 0), (0, 1), (1, 0), (1, 1)에서 은닉 단위들의 출력은 {first}, {second}입니다. 하지만 하나는 "
        "[0, 0, 1, 0] (x1 and not x2), 다른 하나는 [0, 1, 0, 0] (x2 and not x1)이어야 합니다. 힌트: 연습문제 "
        "01의 ANDNOT 게이트가 첫 번째 단위이고, 두 번째 단위는 두 입력의 역할을 맞바꾼 같은 단위입니다.",
    "The hidden units are right, but the network gives {got} for input {x}, and XOR{x} = {want}. Hint: the "
    "output unit computes the OR of the two hidden units (W2 and b2 are an OR gate's weights).":
        "은닉 단위들은 맞지만, 신경망이 입력 {x}에 대해 {got}을 내는데 XOR{x} = {want}입니다. 힌트: 출력 단위는 "
        "두 은닉 단위의 OR를 계산합니다(W2와 b2는 OR 게이트의 가중치입니다).",
    "W1, b1, W2, b2 compute XOR as OR(x1 and not x2, x2 and not x1) on all four inputs":
        "W1, b1, W2, b2가 네 입력 모두에서 XOR을 OR(x1 and not x2, x2 and not x1)로 계산합니다",
    "apply the step to the output layer too: the network returns 0/1 values.":
        "출력층에도 계단 함수를 적용하세요: 신경망은 0/1 값을 반환합니다.",
    "apply the step to the hidden layer before the second dense layer "
    "(without it the two layers collapse into one).":
        "두 번째 완전연결층 전에 은닉층에 계단 함수를 적용하세요(그러지 않으면 두 층이 한 층으로 합쳐집니다).",
    "the step gives 0 when its input is exactly 0 (fire only above 0).":
        "계단 함수는 입력이 정확히 0이면 0을 냅니다(0보다 클 때만 발화합니다).",
    "add the hidden layer's bias b1.":
        "은닉층의 편향 b1을 더하세요.",
    "add the output layer's bias b2.":
        "출력층의 편향 b2를 더하세요.",
    "this network uses the step function, not the sigmoid (that comes in chapter 03).":
        "이 신경망은 시그모이드가 아니라 계단 함수를 씁니다(시그모이드는 3장에서 나옵니다).",
    "the hidden layer is a dense layer followed by the step; the output layer is another dense layer followed "
    "by the step. Use your dense_forward (check_dense_forward must pass first).":
        "은닉층은 완전연결층 뒤에 계단 함수를 적용한 것이고, 출력층도 또 하나의 완전연결층 뒤에 계단 함수를 "
        "적용한 것입니다. 직접 작성한 dense_forward를 쓰세요(check_dense_forward가 먼저 통과해야 합니다).",
    "xor_network should call your dense_forward twice, with a step after each.":
        "xor_network는 직접 작성한 dense_forward를 두 번 호출하고, 호출마다 뒤에 계단 함수를 적용해야 합니다.",
    "it was right on XOR with the XOR weights but not with these weights. Compute with the arguments X, W1, b1, "
    "W2, b2 the function receives, not with the notebook's variables of section 2 or the XOR table: the grader "
    "calls it with other networks.":
        "XOR 가중치로 XOR에서는 맞았지만 이 가중치로는 틀렸습니다. 2절의 노트북 변수나 XOR 표가 아니라, 함수가 "
        "받은 인자 X, W1, b1, W2, b2로 계산하세요: 채점기는 다른 신경망으로 이 함수를 호출합니다.",
    "xor_network matches the NumPy and PyTorch references on XOR and {n} random networks":
        "xor_network가 XOR과 무작위 신경망 {n}개에서 NumPy 및 PyTorch 참조 구현과 일치합니다",
}
