"""한국어 메시지: checks/ex10_cnn.py."""

MESSAGES = {
    "{label} returned the float {got}; a size is an integer: use // "
    "(floor division), which also drops the positions that do not fit.":
        "{label}: 반환값이 float {got}입니다. 크기는 정수입니다: //(내림 나눗셈)를 쓰세요. 그러면 들어맞지 "
        "않는 위치도 함께 버려집니다.",
    "H_out = floor((H + 2 pad - kh) / stride) + 1.":
        "H_out = floor((H + 2 pad - kh) / stride) + 1입니다.",
    "conv_output_size matches floor((n + 2 pad - k) / stride) + 1":
        "conv_output_size가 floor((n + 2 pad - k) / stride) + 1과 일치합니다",
    "pad adds zeros on BOTH sides: n + 2 pad.":
        "pad는 양쪽(BOTH)에 0을 더합니다: n + 2 pad.",
    "count the padding: the padded input has n + 2 pad entries.":
        "패딩을 세세요: 패딩한 입력에는 항목이 n + 2 pad개 있습니다.",
    "the first window starts at 0, so there is one more position: ... + 1.":
        "첫 창은 0에서 시작하므로 위치가 하나 더 있습니다: ... + 1.",
    "divide by the stride, and round DOWN (floor): a window that would run past the padded "
    "input is dropped, as PyTorch does.":
        "스트라이드로 나누고 내림(DOWN, floor)하세요: PyTorch처럼, 패딩한 입력 밖으로 넘어가는 창은 버립니다.",
    "the rows are ordered (c, p, q): channel first, then the kernel row p, then the kernel column q; "
    "you put the channel last (an NHWC habit).":
        "행의 순서는 (c, p, q)입니다: 채널이 먼저, 그다음 커널의 행 p, 그다음 커널의 열 q입니다. 채널을 "
        "맨 뒤에 두었습니다(NHWC의 습관).",
    "the kernel is scanned row by row: q (the column) changes fastest, then p.":
        "커널은 행 단위로 훑습니다: q(열)가 가장 빨리 바뀌고, 그다음이 p입니다.",
    "the columns are ordered (n, i, j): image first, then the output row i, then the column j; "
    "you put the image last.":
        "열의 순서는 (n, i, j)입니다: 이미지가 먼저, 그다음 출력의 행 i, 그다음 열 j입니다. 이미지를 맨 "
        "뒤에 두었습니다.",
    "the output positions go row by row: j changes fastest, then i.":
        "출력 위치는 행 단위로 나아갑니다: j가 가장 빨리 바뀌고, 그다음이 i입니다.",
    "im2col(x, kh={kh}, kw={kw}, stride={stride}, pad={pad}) with x {shape}":
        "x {shape}에 대한 im2col(x, kh={kh}, kw={kw}, stride={stride}, pad={pad})",
    "index the zero-padded input xpad (np.pad) with the window's offsets.":
        "0으로 패딩한 입력 xpad(np.pad)를 창의 오프셋으로 인덱싱하세요.",
    "{label} has shape {got}: that is the transpose of this book's layout. "
    "cols has one ROW per filter weight (c, p, q) and one COLUMN per output position "
    "(n, i, j): shape (C*kh*kw, N*H_out*W_out) = {want}.":
        "{label}: 모양이 {got}입니다. 이 책의 배열 방식(layout)을 전치한 것입니다. cols는 필터 가중치 (c, p, q)마다 "
        "행(ROW)이 하나, 출력 위치 (n, i, j)마다 열(COLUMN)이 하나입니다: 모양 (C*kh*kw, N*H_out*W_out) = "
        "{want}.",
    "cols[(c*kh + p)*kw + q, (n*H_out + i)*W_out + j] = xpad[n, c, i*stride + p, j*stride + q], "
    "with xpad the input padded by pad zeros on each side of H and W.":
        "cols[(c*kh + p)*kw + q, (n*H_out + i)*W_out + j] = xpad[n, c, i*stride + p, j*stride + q]이고, "
        "xpad는 입력의 H와 W 양쪽에 0을 pad개씩 덧댄 것입니다.",
    "{label} (against PyTorch's F.unfold)":
        "{label} (PyTorch의 F.unfold와 비교)",
    "im2col matches the layout (C*kh*kw, N*H_out*W_out) and F.unfold for x {shape}":
        "x {shape}에서 im2col이 배열 방식 (C*kh*kw, N*H_out*W_out) 및 F.unfold와 일치합니다",
    "deep-learning 'convolution' is cross-correlation: do not flip the kernel (you computed a true "
    "convolution, which rotates w by 180 degrees).":
        "딥러닝의 '합성곱'은 교차상관입니다: 커널을 뒤집지 마세요(w를 180도 돌리는 진짜 합성곱을 "
        "계산했습니다).",
    "add the bias b[f] to every output of filter f.":
        "필터 f의 모든 출력에 편향 b[f]를 더하세요.",
    "the bias is added, not subtracted.":
        "편향은 빼는 것이 아니라 더하는 것입니다.",
    "kh = w.shape[2] is the kernel's height (rows p), kw = w.shape[3] its width (columns q); you swapped "
    "them.":
        "kh = w.shape[2]가 커널의 높이(행 p), kw = w.shape[3]가 너비(열 q)입니다. 둘을 바꿔 썼습니다.",
    "each filter spans ALL input channels: sum over c as well as over p and q.":
        "각 필터는 입력 채널 모두(ALL)에 걸쳐 있습니다: p와 q뿐 아니라 c에 대해서도 합하세요.",
    "x is NCHW, x[n, c, i, j]: you read it as NHWC (batch, height, width, channels).":
        "x는 NCHW, 곧 x[n, c, i, j]입니다: NHWC(배치, 높이, 너비, 채널)로 읽었습니다.",
    "conv2d_forward(x, w, b, stride, pad) with {shapes}":
        "{shapes}에 대한 conv2d_forward(x, w, b, stride, pad)",
    "out (the first value returned by {label})":
        "out ({label}의 첫 번째 반환값)",
    "{label}: out has shape {got}, the NHWC order (batch, height, width, "
    "channels). This book and PyTorch use NCHW: out[n, f, i, j], shape {want}.":
        "{label}: out의 모양이 NHWC 순서(배치, 높이, 너비, 채널)인 {got}입니다. 이 책과 PyTorch는 NCHW를 "
        "씁니다: out[n, f, i, j], 모양 {want}.",
    "{label}: out has shape {got} but should have shape {want} = (N, F, H_out, W_out), with "
    "H_out = floor((H + 2 pad - kh) / stride) + 1 and kh = w.shape[2] (rows), kw = w.shape[3] "
    "(columns).":
        "{label}: out의 모양이 {got}이지만 {want} = (N, F, H_out, W_out)이어야 합니다. 여기서 "
        "H_out = floor((H + 2 pad - kh) / stride) + 1이고 kh = w.shape[2](행), kw = w.shape[3](열)입니다.",
    "the cache (the second value returned by {label})":
        "cache ({label}의 두 번째 반환값)",
    "{label} (against PyTorch's F.conv2d)":
        "{label} (PyTorch의 F.conv2d와 비교)",
    "conv2d_forward matches F.conv2d on {shapes}":
        "{shapes}에서 conv2d_forward가 F.conv2d와 일치합니다",
    "The grader sends the cache between processes: keep only NumPy arrays, numbers, strings and tuples, "
    "lists or dicts (string keys) of those; recompute anything else in the backward pass.":
        "채점기는 cache를 프로세스 사이로 보냅니다: NumPy 배열, 수, 문자열과 그것들로 된 튜플, 리스트, "
        "딕셔너리(문자열 키)만 담고, 나머지는 역방향 계산에서 다시 계산하세요.",
    "dx sends dout back through the SAME weights the forward pass used (col2im of w_rows.T @ dout); "
    "you used the kernel flipped.":
        "dx는 dout을 순전파가 쓴 것과 같은(SAME) 가중치를 거쳐 되돌려 보냅니다(w_rows.T @ dout의 col2im). "
        "뒤집은 커널을 썼습니다.",
    "where windows overlap, an input pixel gets gradient from every window that read it: ADD "
    "(+=) into dx, do not overwrite.":
        "창이 겹치는 곳에서는 입력 픽셀 하나가 자기를 읽은 모든 창에서 기울기를 받습니다: dx에 더하세요"
        "(ADD, +=). 덮어쓰지 마세요.",
    "dw sums over the batch (the 1/N of the cost is already inside dout); do not divide by N.":
        "dw는 배치에 걸쳐 합합니다(비용의 1/N은 이미 dout 안에 들어 있습니다). N으로 나누지 마세요.",
    "dw[f, c, p, q] pairs the upstream gradient with the input it multiplied in the forward "
    "pass; you paired it with the kernel flipped.":
        "dw[f, c, p, q]는 상류 기울기를, 순전파에서 가중치 w[f, c, p, q]가 곱해졌던 입력과 짝짓습니다. "
        "지금은 뒤집은 커널과 짝지었습니다.",
    "db sums dout over the batch AND the output positions (axes 0, 2, 3), not the mean.":
        "db는 dout을 배치와(AND) 출력 위치에 걸쳐(axis 0, 2, 3) 합한 것이며, 평균이 아닙니다.",
    "out (the first value returned by {label}, which the backward test needs first)":
        "out ({label}의 첫 번째 반환값으로, 역방향 테스트에 먼저 필요합니다)",
    "make {name} pass its own test first.":
        "먼저 {name}의 테스트를 통과시키세요.",
    "conv2d_backward(dout, cache) after {forward}":
        "{forward} 다음의 conv2d_backward(dout, cache)",
    "every gradient has the shape of its variable: dx like x, dw like w, db like b.":
        "모든 기울기는 그 변수와 모양이 같습니다: dx는 x, dw는 w, db는 b와 같은 모양입니다.",
    "{name} has the shape of {like}.":
        "{name}의 모양은 {like}와 같습니다.",
    "conv2d_backward matches autograd (dx, dw, db) on {shapes}":
        "{shapes}에서 conv2d_backward가 autograd와 일치합니다 (dx, dw, db)",
    "max pooling keeps each window's largest value; you took the average (average pooling).":
        "최대 풀링은 각 창의 가장 큰 값을 남깁니다. 평균을 구했습니다(평균 풀링).",
    "max pooling keeps each window's LARGEST value; you took the smallest (min pooling).":
        "최대 풀링은 각 창의 가장 큰(LARGEST) 값을 남깁니다. 가장 작은 값을 구했습니다(최소 풀링).",
    "maxpool_forward(x, size={size}, stride={stride}) with x {shape}":
        "x {shape}에 대한 maxpool_forward(x, size={size}, stride={stride})",
    "out[n, c, i, j] = max of x[n, c, i*stride:i*stride + size, j*stride:j*stride + size]; "
    "H_out = floor((H - size) / stride) + 1, so the shape is {shape}.":
        "out[n, c, i, j]는 x[n, c, i*stride:i*stride + size, j*stride:j*stride + size]의 최댓값입니다. "
        "H_out = floor((H - size) / stride) + 1이므로 모양은 {shape}입니다.",
    "{label} (against PyTorch's F.max_pool2d)":
        "{label} (PyTorch의 F.max_pool2d와 비교)",
    "maxpool_forward matches F.max_pool2d (size {size}, stride {stride})":
        "maxpool_forward가 F.max_pool2d와 일치합니다 (size {size}, stride {stride})",
    "maxpool_backward matches autograd (size {size}, stride {stride}, ties)":
        "maxpool_backward가 autograd와 일치합니다 (size {size}, stride {stride}, 동점 포함)",
    "maxpool_backward matches autograd (size {size}, stride {stride})":
        "maxpool_backward가 autograd와 일치합니다 (size {size}, stride {stride})",
    "maxpool_backward matches autograd (size {size}, stride {stride}, ties; and overlapping windows "
    "of size 3, stride 2)":
        "maxpool_backward가 autograd와 일치합니다 (size {size}, stride {stride}, 동점 포함. 그리고 size 3, "
        "stride 2의 겹치는 창에서도)",
    "maxpool_backward matches autograd (size {size}, stride {stride}; and overlapping windows "
    "of size 3, stride 2)":
        "maxpool_backward가 autograd와 일치합니다 (size {size}, stride {stride}. 그리고 size 3, stride 2의 "
        "겹치는 창에서도)",
    "maxpool_backward(dout, cache) after {forward} (with ties)":
        "{forward} 다음의 maxpool_backward(dout, cache) (동점 포함)",
    "maxpool_backward(dout, cache) after {forward}":
        "{forward} 다음의 maxpool_backward(dout, cache)",
    "dx has the shape of x.":
        "dx는 x와 모양이 같습니다.",
    "dx is zero except at each window's (first) maximum, which receives that window's dout.":
        "dx는 각 창의 (첫 번째) 최댓값 자리를 빼고는 0이며, 그 자리가 그 창의 dout을 받습니다.",
    "{label} (against PyTorch autograd)":
        "{label} (PyTorch autograd와 비교)",
    "when several entries of a window tie for the maximum, the gradient goes to ONE of them, the first "
    "in scan order (row by row), as PyTorch's max_pool2d does; you gave it to every tied entry.":
        "한 창에서 여러 항목이 최댓값으로 동점이면, PyTorch의 max_pool2d처럼 기울기는 그중 하나(ONE), 곧 "
        "훑는 순서(행 단위)로 첫 번째 항목에만 갑니다. 동점인 항목 모두에 주었습니다.",
    "when entries tie, the gradient goes to the FIRST maximum in scan order (row by row), as PyTorch's "
    "max_pool2d does; you gave it to the last one.":
        "항목이 동점이면, PyTorch의 max_pool2d처럼 기울기는 훑는 순서(행 단위)로 첫 번째(FIRST) 최댓값에 "
        "갑니다. 마지막 최댓값에 주었습니다.",
    "where windows overlap, one entry can be the maximum of several windows: ADD their gradients (+=), "
    "do not overwrite.":
        "창이 겹치는 곳에서는 한 항목이 여러 창의 최댓값일 수 있습니다: 그 기울기들을 더하세요(ADD, +=). "
        "덮어쓰지 마세요.",
    "max pooling's gradient goes only to each window's maximum; spreading dout / size^2 over the window "
    "is average pooling's.":
        "최대 풀링의 기울기는 각 창의 최댓값에만 갑니다. dout / size^2를 창 전체에 나눠 주는 것은 평균 "
        "풀링의 기울기입니다.",
    "{name} with {shapes}":
        "{shapes}에 대한 {name}",
    "out[n, f, i, j] = b[f] + sum over c, p, q of w[f, c, p, q] * xpad[n, c, i*stride + p, "
    "j*stride + q]: NCHW arrays, and out has shape (N, F, H_out, W_out).":
        "out[n, f, i, j] = b[f] + (c, p, q에 대한 w[f, c, p, q] * xpad[n, c, i*stride + p, j*stride + q]의 "
        "합)입니다: 배열은 NCHW이고, out의 모양은 (N, F, H_out, W_out)입니다.",
    "{name} with {shapes}: {grad}":
        "{shapes}에 대한 {name}: {grad}",
    "conv2d_forward ({forward:.2f} s) and conv2d_backward ({backward:.2f} s) are right and within {limit:g} s "
    "on {shapes}":
        "{shapes}에서 conv2d_forward({forward:.2f} s)와 conv2d_backward({backward:.2f} s)가 맞고 {limit:g} s "
        "안에 끝납니다",
    "{name} took {took:.1f} s on {shapes}; this test allows {limit:g} s. The exercise asks for the "
    "fast version: a Python loop over every output value is too slow at this size. Build the columns "
    "with im2col (loops over the kernel offsets are fine) and compute every output with one matrix "
    "product.":
        "{shapes}에서 {name} 실행에 {took:.1f} s가 걸렸습니다. 이 테스트는 {limit:g} s까지 허용합니다. 이 "
        "연습문제는 빠른 버전을 요구합니다: 출력 값 하나하나를 도는 Python 루프는 이 크기에서 너무 느립니다. "
        "im2col로 열을 만들고(커널 오프셋에 대한 루프는 괜찮습니다) 모든 출력을 행렬곱 한 번으로 계산하세요.",
    "{name} was stopped before it finished on {shapes}: it ran longer than this test allows ({limit:g} s "
    "per call). The exercise asks for the fast version: a Python loop over every output value is too slow "
    "at this size. Build the columns with im2col (loops over the kernel offsets are fine) and compute every "
    "output with one matrix product.":
        "{shapes}에서 {name}이(가) 끝나기 전에 실행을 멈췄습니다: "
        "이 테스트가 허용하는 시간(호출당 {limit:g} s)보다 오래 "
        "걸렸습니다. 이 연습문제는 빠른 버전을 요구합니다: 출력 값 하나하나를 도는 Python 루프는 이 크기에서 "
        "너무 느립니다. im2col로 열을 만들고(커널 오프셋에 대한 루프는 괜찮습니다) 모든 출력을 행렬곱 한 번으로 "
        "계산하세요.",
}
