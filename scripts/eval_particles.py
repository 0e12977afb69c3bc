"""Does the punctuator read spoken particles right? A pause particle is not a question.

    python scripts/eval_particles.py [--model-dir DIR]

Spoken Mandarin marks a topic with a particle before a pause (咱们呢，就得…; 现在的年轻人啊，…;
比如说吧，…), and ends questions with the same particles (能走多远呢？ 你会来吧？). Edited
transcripts, the bulk of the training corpora, drop the pause particles, so a model can learn
"呢 means ？". Each sentence below (written for this script) is punctuated alone, in the plain
stream, and scored: a topic particle must not be followed by a sentence end (。？！), a question
must end with ？. Also printed: the same sentences joined into one stream, to read.
"""

from __future__ import annotations

import argparse
import sys
from itertools import zip_longest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from eval_punct import chosen_punctuator

from toolkit.punctuate import Punctuator
from toolkit.text import split_text

# (sentence, the particle whose following mark is scored)
TOPIC = (
    ("咱们呢就得先回头看看他们上一次是怎么开始的", "呢"),
    ("这个时候呢苏联的态度就突然松动了", "呢"),
    ("从外交渠道呢也是反复催促但是没有结果", "呢"),
    ("我个人呢其实不太同意这个看法", "呢"),
    ("那么第二个问题呢就是钱从哪里来", "呢"),
    ("现在的年轻人啊压力都很大", "啊"),
    ("比如说吧你每天早上起来先喝一杯水", "吧"),
    ("这件事情呢我们下次节目再详细聊", "呢"),
    ("说到这里呢我想先讲一个小故事", "呢"),
    ("他们的军队呢总共不到四十万人", "呢"),
    ("当时的情况嘛大家都知道", "嘛"),
    ("最后呢我们来看看结论", "呢"),
    ("这家店的老板呢是我的大学同学", "呢"),
    ("经济上呢两国的合作一直不错", "呢"),
    ("我们做这个节目啊就是想让大家多了解一点历史", "啊"),
    ("至于价格呢目前还没有公布", "呢"),
    ("另一方面呢美国也在加强和日本的合作", "呢"),
    ("这个方法吧说简单也简单说难也难", "吧"),
    ("中国这边呢一直是冷处理", "呢"),
    ("其实呢这个问题早就有人提出来了", "呢"),
)
QUESTION = (
    "你觉得这个同盟能走多远呢",
    "为什么苏联的态度突然变了呢",
    "那我们应该怎么办呢",
    "这些钱到底从哪里来呢",
    "你明天会来参加会议吧",
    "他是不是已经回家了呢",
    "这个问题到底谁说了算呢",
    "那么结果会怎么样呢",
    "你不会真的相信他说的话吧",
    "这样做有什么好处呢",
    "你们公司一共有多少员工呢",
    "这本书你看完了吗",
    "谁能想到事情会变成这样呢",
    "你说他图的是什么呢",
    "这么晚了你怎么还不睡呢",
)


def punctuated(punctuator: Punctuator, text: str) -> str:
    return "".join(w.text + w.punct for w in punctuator.punctuate(split_text(text, "zh"), "zh"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--punctuator", default="model", help="model | rules")
    ap.add_argument("--model-dir", type=Path, help="punct_zh.onnx/.json from this folder")
    ap.add_argument("-v", "--verbose", action="store_true", help="print every sentence")
    args = ap.parse_args()
    punctuator = chosen_punctuator(args.punctuator, args.model_dir)
    topic_ok = 0
    for text, particle in TOPIC:
        out = punctuated(punctuator, text)
        at = out.index(particle) + 1
        ok = out[at] not in "。？！"
        topic_ok += ok
        if args.verbose:
            print("ok  " if ok else "BAD ", out)
    question_ok = 0
    for text in QUESTION:
        out = punctuated(punctuator, text)
        ok = out.endswith("？")
        question_ok += ok
        if args.verbose:
            print("ok  " if ok else "BAD ", out)
    # All of them, topics and questions alternating (zip_longest: there are more topics).
    mixed = zip_longest((text for text, _ in TOPIC), QUESTION, fillvalue="")
    print(punctuated(punctuator, "".join(a + b for a, b in mixed)))
    print(f"punctuator {punctuator.name}: topic particles read as a pause "
          f"{topic_ok}/{len(TOPIC)}; questions ending in ？ {question_ok}/{len(QUESTION)}")


if __name__ == "__main__":
    main()
