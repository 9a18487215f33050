"""한국어 메시지: checks/ex12_lstm.py."""

MESSAGES = {
    "PyTorch's gate order: the four blocks of H columns of a are i, f, g, o (input, forget, candidate, "
    "output). {detail}":
        "PyTorch의 게이트 순서: a의 H열짜리 블록 네 개는 i, f, g, o(입력 게이트, 망각 게이트, 후보 값, "
        "출력 게이트)입니다. {detail}",
    "The third block is the candidate g, the fourth the output gate o.":
        "세 번째 블록이 후보 값 g이고, 네 번째 블록이 출력 게이트 o입니다.",
    "The first block is the input gate i (it scales the candidate), the second the forget gate f "
    "(it scales c_prev).":
        "첫 번째 블록이 입력 게이트 i(후보 값의 크기를 조절)이고, 두 번째 블록이 망각 게이트 f(c_prev의 크기를 "
        "조절)입니다.",
    "The blocks are not in the order g, i, f, o either.":
        "블록의 순서는 g, i, f, o도 아닙니다.",
    "the candidate g uses tanh (values in (-1, 1), so that the cell can be pushed down as well as up), "
    "not the sigmoid.":
        "후보 값 g에는 시그모이드가 아니라 tanh를 씁니다(값이 (-1, 1) 안에 있어서 셀 상태를 올릴 수도, 내릴 "
        "수도 있습니다).",
    "the gates i, f and o use the sigmoid (values in (0, 1): the fraction let through), not tanh.":
        "게이트 i, f, o에는 tanh가 아니라 시그모이드를 씁니다(값은 (0, 1) 안에 있는, 통과시키는 비율입니다).",
    "h = o * tanh(c): squash the new cell state with tanh before the output gate, not with the sigmoid.":
        "h = o * tanh(c): 출력 게이트를 곱하기 전에 새 셀 상태를 시그모이드가 아니라 tanh로 누르세요.",
    "h = o * tanh(c): the output gate multiplies tanh of the cell state, not the cell state itself.":
        "h = o * tanh(c): 출력 게이트는 셀 상태 자체가 아니라 셀 상태의 tanh에 곱해집니다.",
    "the new cell state keeps f * c_prev: without that term the cell forgets everything at every step.":
        "새 셀 상태에는 f * c_prev가 남아야 합니다: 이 항이 없으면 셀은 매 단계 모든 것을 잊습니다.",
    "the four gates are four consecutive BLOCKS of H columns of a (columns 0..H-1 are i, H..2H-1 are "
    "f, ...), not every fourth column: do not reshape a to (N, H, 4).":
        "네 게이트는 a에서 H열씩 이어진 네 블록(BLOCKS)입니다(0..H-1열이 i, H..2H-1열이 f, ...). 네 열마다 "
        "하나씩 고르는 것이 아니므로 a를 (N, H, 4)로 reshape하지 마세요.",
    "h is computed from the NEW cell state c, not from c_prev.":
        "h는 c_prev가 아니라 새(NEW) 셀 상태 c로 계산합니다.",
    "{label}: the cache should be a tuple of {count} values ({names}), but it has {got}: {difference}.":
        "{label}: cache는 값 {count}개({names})의 튜플이어야 하는데 값이 {got}개입니다: {difference}.",
    "{label}: the cache":
        "{label}: 반환한 cache",
    "the gates are stored activated, side by side in PyTorch's order: [i, f, g, o], shape (N, 4H).":
        "게이트는 활성화 함수를 거친 값으로, PyTorch의 순서 [i, f, g, o]대로 나란히 저장합니다. 모양은 "
        "(N, 4H)입니다.",
    "cache[{k}] is {name}; the cache is ({names}).":
        "cache[{k}]는 {name}입니다. cache는 ({names})입니다.",
    "cache[{k}] ({name}) of {label}":
        "{label}의 cache[{k}] ({name})",
    "{names} is missing":
        "{names} 값이 빠졌습니다",
    "{names} are missing":
        "{names} 값이 빠졌습니다",
    "{count} value that is none of these":
        "이 가운데 어느 것도 아닌 값이 {count}개 있습니다",
    "{count} values that are none of these":
        "이 가운데 어느 것도 아닌 값이 {count}개 있습니다",
    "{missing} and {extra}":
        "{missing}. 또 {extra}",
    "the values are not in this order":
        "값들이 이 순서로 되어 있지 않습니다",
    "a = x Wx + h_prev Wh + b has shape (N, 4H): four blocks of H columns, one per gate; every "
    "gradient has the shape of its variable (dx like x, dWx like Wx, db like b).":
        "a = x Wx + h_prev Wh + b의 모양은 (N, 4H)입니다: 게이트마다 H열짜리 블록 하나씩, 네 블록입니다. 모든 "
        "기울기는 그 변수와 모양이 같습니다(dx는 x, dWx는 Wx, db는 b와 같은 모양).",
    "c = f * c_prev + i * g, shape (N, H).":
        "c = f * c_prev + i * g이고, 모양은 (N, H)입니다.",
    "h = o * tanh(c), shape (N, H).":
        "h = o * tanh(c)이고, 모양은 (N, H)입니다.",
    "{label}: c, against torch.nn.LSTMCell":
        "{label}: c (torch.nn.LSTMCell과 비교)",
    "{label}: h, against torch.nn.LSTMCell":
        "{label}: h (torch.nn.LSTMCell과 비교)",
    "lstm_step_forward matches the NumPy reference and torch.nn.LSTMCell (h, c and the cache)":
        "lstm_step_forward가 NumPy 참조 구현 및 torch.nn.LSTMCell과 일치합니다 (h, c, cache)",
    "c also receives dc, the gradient flowing back from the next step: add it to the gradient that reaches "
    "c through h = o * tanh(c).":
        "c는 다음 단계에서 거꾸로 흘러 들어오는 기울기 dc도 받습니다: h = o * tanh(c)를 거쳐 c에 이르는 "
        "기울기에 dc를 더하세요.",
    "the derivative of tanh(c) is 1 - tanh(c)**2, with tanh of the cell state c (the cache's last entry), "
    "not 1 - h**2: h = o * tanh(c) is not tanh(c).":
        "tanh(c)의 도함수는 1 - h**2가 아니라, 셀 상태 c(cache의 마지막 항목)의 tanh로 쓴 1 - tanh(c)**2입니다: "
        "h = o * tanh(c)는 tanh(c)가 아닙니다.",
    "the cell state c is used twice: by the next step (dc) AND by h = o * tanh(c). Its total gradient "
    "adds the part that comes back through h; you used dc alone.":
        "셀 상태 c는 두 번 쓰입니다: 다음 단계(dc)에서, 그리고(AND) h = o * tanh(c)에서. c의 전체 기울기에는 "
        "h를 거쳐 돌아오는 부분이 더해집니다. dc만 썼습니다.",
    "the derivative of tanh(c) is 1 - tanh(c)**2, written with tanh of c, not 1 - c**2 from c itself.":
        "tanh(c)의 도함수는 c 자체로 쓴 1 - c**2가 아니라, c의 tanh로 쓴 1 - tanh(c)**2입니다.",
    "c = f * c_prev + i * g, so the gradient handed back to c_prev is the cell's gradient times f.":
        "c = f * c_prev + i * g이므로, c_prev로 넘겨주는 기울기는 셀 상태의 기울기에 f를 곱한 것입니다.",
    "the sigmoid's derivative is s * (1 - s), written with the gate's value s; 1 - s**2 is tanh's.":
        "시그모이드의 도함수는 게이트 값 s로 쓴 s * (1 - s)입니다. 1 - s**2는 tanh의 도함수입니다.",
    "put the gradients on the four blocks of a back in the order of the gates, [i, f, g, o].":
        "a의 네 블록에 대한 기울기를 게이트 순서 [i, f, g, o]대로 되돌려 놓으세요.",
    "db sums over the batch (axis 0), it does not average.":
        "db는 배치(axis 0)에 걸쳐 합합니다. 평균하지 않습니다.",
    "dc_prev is the TOTAL gradient of the cell state c (dc plus the part that comes back "
    "through h) times f, not dc times f.":
        "dc_prev는 dc에 f를 곱한 것이 아니라, 셀 상태 c의 전체(TOTAL) 기울기(dc에 h를 거쳐 돌아오는 부분을 "
        "더한 것)에 f를 곱한 것입니다.",
    "{label}, against autograd":
        "{label} (autograd와 비교)",
    "PyTorch autograd through torch.nn.LSTMCell":
        "torch.nn.LSTMCell을 거친 PyTorch autograd",
    "lstm_step_backward matches the NumPy reference and autograd (dx, dh_prev, dc_prev, dWx, dWh, db)":
        "lstm_step_backward가 NumPy 참조 구현 및 autograd와 일치합니다 (dx, dh_prev, dc_prev, dWx, dWh, db)",
    "carry the cell state: step t starts from the c that step t-1 produced, not from c0 every time "
    "(the cell state is the LSTM's long-term memory).":
        "셀 상태를 이어 가세요: 단계 t는 매번 c0가 아니라 단계 t-1이 만든 c에서 시작합니다(셀 상태는 LSTM의 "
        "장기 기억입니다).",
    "carry the hidden state: step t starts from the h that step t-1 produced, not from h0 every time.":
        "은닉 상태를 이어 가세요: 단계 t는 매번 h0가 아니라 단계 t-1이 만든 h에서 시작합니다.",
    "carry both states: step t starts from the h and c of step t-1, not from h0 and c0.":
        "두 상태를 모두 이어 가세요: 단계 t는 h0와 c0가 아니라 단계 t-1의 h와 c에서 시작합니다.",
    "h[:, t] is the hidden state AFTER reading x[:, t]; the first entry is not h0.":
        "h[:, t]는 x[:, t]를 읽은 뒤(AFTER)의 은닉 상태입니다. 첫 항목은 h0가 아닙니다.",
    "h holds the hidden states o * tanh(c), not the cell states c.":
        "h에는 셀 상태 c가 아니라 은닉 상태 o * tanh(c)가 들어갑니다.",
    "h has shape (N, T, H): the hidden state after each time step, batch first.":
        "h의 모양은 (N, T, H)입니다: 각 시간 단계 뒤의 은닉 상태이며, 배치 축이 맨 앞입니다.",
    "{label}, against torch.nn.LSTM":
        "{label} (torch.nn.LSTM과 비교)",
    "lstm_forward matches the NumPy reference and torch.nn.LSTM (every hidden state and the cache)":
        "lstm_forward가 NumPy 참조 구현 및 torch.nn.LSTM과 일치합니다 (모든 은닉 상태와 cache)",
}
