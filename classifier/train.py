"""Training: cross-validated figures, a threshold chosen on held-out predictions, a fitted model.

Steps, all seeded:
1. out-of-fold probabilities for every example (stratified k-fold by label
   and language), so every figure is measured on text the model did not see;
2. the flag threshold: the lowest score cut whose out-of-fold precision
   (flagged vs benign) is at least `target_precision` — the highest recall at
   that precision; if no cut reaches it, the cut with the best F1;
3. the final pipeline fitted on every example.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
import sklearn
from scipy import optimize
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline

from maskscreen.classifier import language as language_id
from maskscreen.classifier.augment import code_switched, made_to_order_copies
from maskscreen.classifier.concepts import feature_names, matchers, read_lexicon, training_lexicon
from maskscreen.classifier.corpus import Example
from maskscreen.classifier.evaluate import (
    _prf,
    binary_metrics,
    evaluate_model,
    label_metrics,
    language_of,
    signal_metrics,
)
from maskscreen.classifier.evasion_head import EvasionHead, grouped_folds
from maskscreen.classifier.features import (
    ConceptAbstracter,
    ConceptFeaturizer,
    SpacyTokenizer,
    TextNormalizer,
)
from maskscreen.classifier.folds import fold_groups
from maskscreen.classifier.model import Model, pipeline_outputs
from maskscreen.classifier.ngrams import HashedTfidf
from maskscreen.classifier.normalize import normalize
from maskscreen.classifier.runtime import CALIBRATED, danger, dangerous_margin
from maskscreen.classifier.signals import SignalMatcher, default_matcher, read_patterns
from maskscreen.classifier.verdict import LABELS

logger = logging.getLogger(__name__)

Progress = Callable[[str], None]
# Concept features against TF-IDF rows: chosen by cross-validation on the training split.
CONCEPT_SCALE = 1.0
# A language gets its own threshold when its training listings number at least this many
# with at least MIN_POSITIVES dangerous ones; else it takes the overall threshold. Below
# 30 positives a cut's cross-validated precision moves by 3 points or more with a single
# listing, so a cut "at 0.95" would be noise (the added languages have 16-29 each).
# Synthetic listings (augment.py) count this much each against a real listing. Off: on
# 3-fold cross-validation of the real training listings they cost recall at precision 0.95
# (weight 0: 0.852, grounded part 0.803; 0.25: 0.836 / 0.778; 1: 0.809 / 0.757).
SYNTHETIC_WEIGHT = 0.0
# The from-photo look-alikes of augment.py and their minimal pairs (family
# "augmented-from-photo") count this much each. 3-fold cross-validation of the training split
# (recall at precision 0.95 / grounded part) and behavioural failures on training words:
#   score        weight           recall         failures over 2 %
#   normalised   0                0.877 / 0.851  MFT en 6.9 % (figurines from a photo), DIR de 3.8 %
#   normalised   0.3, no pairs    0.878 / 0.855  DIR made to order 29.5 % (de, es, it, ja, pt)
#   normalised   0.3 with pairs   0.863 / 0.833  INV ja 3 %  (chosen)
#   benign       0                0.852 / 0.820  MFT en 4.8 %, ja 2.1 %; INV ja 3 %
#   benign       0.3, no pairs    0.844 / 0.816  MFT ja 3.4 %; INV de 4 %, ja 6 %, ko 8 %, zh 4 %
#   benign       0.3 with pairs   0.825 / 0.794  none
# (measured on the old 480 from-photo titles; since session 10 the 936 titles deal every
# training word of `figurine` and `printed_photo` in each language: bench/figaug.md, held-out
# MFT en 4 -> 1 of 146, grouped 3-fold recall within the synthetic seed's noise)
FROM_PHOTO_WEIGHT = 0.3
# The counterfactual triples of augment.py (family "augmented-counterfactual": a templated
# realistic mask, the same with a made-to-order phrase, a custom copy, and with an evasion
# claim) count this much each. Off: session 8, behavioural failures on training words of one
# fit at the shipped cuts, and bench/recipe_oof.py (3 folds, seed 0) at the shipped rule
# (grounded part P/R, cross-fitted in brackets; written part):
#   weight   MFT             INV             DIR                         grounded                      written
#   0        0.3 % (en 2.1)  0.1 % (ja 1.0)  1.2 % (es 3.8, ja 6.2, ko 2.5)  0.930/0.833 (0.923/0.852)  0.967/0.897
#   0.3      0.2 % (en 0.7)  0.0 %           1.2 % (es 3.8, ja 6.2)        0.934/0.821 (0.926/0.829)  0.963/0.898
#   1        0.4 % (en 1.4)  0.0 %           1.2 % (es 3.8, ja 6.2)        -                          -
# The made-to-order failures are the score's and the data's, not the fit's (docs/model.md).
COUNTERFACTUAL_WEIGHT = 0.0
# Copies of the real stock realistic masks of the training part with a made-to-order phrase
# appended (augment.made_to_order_copies), labelled custom_face_copy, count this much each;
# made inside each fold from its training part. Off: measured as COUNTERFACTUAL_WEIGHT above,
# weight 0.3: MFT 0.3 % (en 0.7), INV 0.1 % (de 1.0), DIR 1.2 % (es 5.0, ja 6.2, ko 1.2);
# grounded 0.933/0.806 (0.921/0.828), written 0.965/0.873: the custom-copy sigmoid of a
# templated mask with the phrase rose from 0.43 to 0.67-0.72, but the benign one rose too.
MADE_COPY_WEIGHT = 0.0
# Code-switched copies of the non-English training listings (augment.code_switched: one
# realism, material or coverage word replaced by an English training word of its concept,
# same label) count this much each; made inside each fold from its training part.
# Off: measured with signals-2026.12.6 on 3-fold cross-validation of the training split
# (recall at precision 0.95 / grounded part; behavioural failures MFT, INV, DIR on *training*
# words at the overall cut; the held-out words were not read):
#   recipe                       recall          MFT     INV                 DIR
#   shipped (all weights 0)      0.861 / 0.814   0.3 %   0.5 % (ja 3 %)      0.0 %
#   CODE_SWITCH_WEIGHT 0.3       0.845 / 0.792   0.1 %   0.2 % (ja 2 %)      0.0 %
#   SYNTHETIC_WEIGHT 0.1         0.841 / 0.784   0.1 %   0.0 %               0.0 %
#   CONCEPT_SCALE 2              0.852 / 0.806   0.3 %   0.7 % (ja 4 %)      0.0 %
#   KEEP_WORDS False             0.867 / 0.824   0.9 %   0.0 %               5.9 % (evasion,
#                                                                            made to order)
# Every change that removes the INV failures costs 1.6-3 points of (grounded) recall, and the
# real-grounded recall is the larger gap, so none is on; SYNTHETIC_WEIGHT 0.1 is the one to
# set if the behavioural target must be met first.
CODE_SWITCH_WEIGHT = 0.0
# Issue #13, with signals-2026.12.7, same measure (3 folds; full fit at the overall cut for the
# behavioural failures on training words):
#   recipe                                     recall          MFT     INV              DIR
#   current recipe                             0.843 / 0.785   0.1 %   0.3 % (de 1, ja 2 %) 0.0 %
#   CODE_SWITCH_WEIGHT 0.1                     0.825 / 0.766   0.1 %   0.2 % (ja 2 %)   0.0 %
#   realism, material, wearable: mark only     0.846 / 0.785   0.1 %   0.0 %            2.4 % (en 21 %:
#     (other concepts keep mark and word)                                               evasion phrases)
#   realism, material: mark only               0.839 / 0.782   0.1 %   0.0 %            1.0 % (en 10 %:
#                                                                               evasion phrases)
# Why a phrase in English flips a listing (model trained with signals-2026.12.7, the three
# english_phrase failures on training words that lower the score):
# the concept features are unchanged, and the realistic-mask decision falls by 0.49-0.73 in
# logit, 40-47 % of it through the word n-grams and the rest through the character n-grams
# of the English word in place of the listing's own: no one feature block carries it. Marks
# without words for the code-switched concepts (`concepts.abstract` with `keep` per concept;
# measured above by replacing that function, not in the code) remove the flip at no recall
# cost, but an English evasion phrase then lowers the score of templated English listings
# (DIR): worth a piece of work of its own (why the evasion phrase's words outweigh its
# signal there) before it is turned on.
# Chosen by 3-fold cross-validation on the training split and behavioural tests filled with
# training words (docs/model.md), never on the dev set: each concept word marked with its
# concept before n-grams (KEEP_WORDS: the word stays after its mark), the second interaction
# set, and the whole lexicon (training and held-out words) as the policy the model matches.
# Recall at cross-validated precision 0.95 / grounded part at the overall cut / behavioural
# failures MFT, INV, DIR on training words:
#   previous recipe          0.866 / 0.822 / 0.6 %, 0.7 %, 2.8 %
#   set 2 + whole lexicon    0.857 / 0.816 / 0.6 %, 1.6 %, 1.1 %
#   marks replace words      0.861 / 0.807 / 0.1 %, 0.0 %, 2.8 %  (set 1)
#   marks before words       0.858 / 0.819 / 0.3 %, 0.7 %, 0.5 %  (set 2: chosen)
# The first row ran with the previous evasion patterns; differences in recall are within
# a fold's noise, the behavioural ones are not.
# signals-2026.12.4 and concepts-2026.12.2 (3 folds, same recipe): 0.877 / 0.851 before,
# one fold 0.895 / 0.823 -> 0.893 / 0.846 after; a third interaction set (a look-alike object
# with nothing worn) left the figurine-from-photo failures where they were (10 of 200).
ABSTRACT = True
KEEP_WORDS = True
INTERACTIONS = 2
WHOLE_LEXICON = True
LOGISTIC_C = 32.0
# Directional cues never lowering the score through the features only they switch on
# (`monotone`: the weights of these concept-step features held to their signs). Off: on
# the training split the bounded weights moved to the cue phrases' own n-grams ("на заказ",
# "auf Bestellung"), and DIR failures on training words rose from 0.5 % to 4.4 % (made to
# order: 3 to 35 of 800); 3-fold recall at precision 0.95 0.856 (grounded part 0.814) with
# it (both with the normalised score). A score no cue can lower through the other labels
# is SCORE = "benign" (below); the from-photo pairs (FROM_PHOTO_WEIGHT) removed the
# directional failures of the normalised one on training words without the bound.
MONOTONE = False
# The score (runtime.danger): "benign" (1 - the benign calibrator's probability, monotone in
# every feature by construction), "normalised" (1 - P(benign) of the normalised sigmoids) or
# "margin" (one sigmoid, fitted on the out-of-fold decisions of the training split, of
# MARGIN_WEIGHT * log(exp z_realistic + exp z_custom) - z_benign, the regression's raw
# decisions: no per-class calibrator in it). Measured above: "benign" ranks by the benign
# decision alone and costs 2.5-3.8 points of cross-validated recall at precision 0.95 with
# any augmentation (0.844 against 0.878 on the same out-of-fold probabilities).
# Session 8 (bench/score_oof.py run, then table: 3 folds, seed 0, the shipped recipe; every
# score read on the same out-of-fold decisions, calibrators cross-fitted; P/R at the cuts the
# shipped rule chooses; behavioural failures of the three fold models on *training* words):
#   score                         all P/R      grounded     written      MFT   INV   DIR
#   normalised                    0.948/0.864  0.932/0.821  0.959/0.897  0.2%  0.2%  1.2% (es 2.5, ja 6.7)
#   benign                        0.947/0.827  0.934/0.801  0.957/0.847  0.2%  0.2%  0.7% (ja 5.4)
#   sigmoid(sum dangerous sigm.)  0.955/0.788  0.952/0.737  0.958/0.828  1.8%  3.9%  17.8%
#   sigmoid(max dangerous raw)    0.954/0.798  0.943/0.741  0.961/0.841  7.9%  9.9%  13.4%
#   temperature (softmax z/T+c)   0.949/0.865  0.932/0.829  0.961/0.893  0.3%  0.2%  1.6% (es 6.2, ja 6.7)
#   sigmoid(-z_benign)            0.947/0.829  0.934/0.809  0.957/0.845  0.2%  0.2%  0.3% (ja 2.9)
#   margin, weight 1              0.948/0.866  0.931/0.829  0.961/0.895  0.4%  0.1%  1.8% (es 6.2, ja 6.2)
#   margin, weight 0.75           0.948/0.863  0.932/0.826  0.960/0.891  0.3%  0.2%  0.9% (es 3.3, ja 4.6)
#   margin, weight 0.6            0.949/0.863  0.932/0.827  0.962/0.891  0.3%  0.1%  0.5% (ja 4.2)
#   margin, weight 0.5 (chosen)   0.948/0.863  0.929/0.826  0.962/0.892  0.2%  0.1%  0.4% (ja 3.3)
#   margin, weight 0.4            0.948/0.863  0.931/0.831  0.960/0.889  0.2%  0.1%  0.2% (ja 2.5)
#   margin, weight 0.25           0.947/0.853  0.930/0.823  0.960/0.876  0.2%  0.1%  0.3% (ja 2.9)
# The multinomial regression's own log-odds (weight 1, or a joint temperature) fails like the
# normalised score: the made-to-order phrase lowers z_realistic by more than the log-sum
# gains from z_custom. Half of it with the whole benign decision keeps the normalised score's
# recall and removes the es failures; ja's remain (the phrases' n-grams raise the benign
# decision itself: docs/model.md). 0.4-0.6 are within one or two listings of each other.
# Issue #13, session 9: the same on 3 *grouped* folds (one page, story or near-duplicate text
# in one fold: bench/score_groups.py; `python bench/score_oof.py run --grouped`, `table
# --grouped`), training material of signals-2026.12.10; stratified folds on the same data in
# brackets (all P/R, grounded P/R, written P/R, MFT INV DIR on training words):
#   normalised    0.947/0.879  0.931/0.834 (0.931/0.836)  0.960/0.915  0.2% 0.1% 1.1% (ja 5.8)
#   temperature   0.947/0.888  0.927/0.852 (0.926/0.856)  0.961/0.917  0.5% 0.1% 1.7% (es 4.6, ja 6.7, pt 2.1; MFT en 3.7)
#   margin 1      0.947/0.889  0.929/0.852 (0.927/0.861)  0.962/0.919  0.5% 0.1% 1.8% (es 4.6, ja 7.1, pt 2.5; MFT en 3.9)
#   margin 0.75   0.946/0.885  0.927/0.847 (0.926/0.858)  0.961/0.915  0.4% 0.1% 0.7% (ja 4.6; MFT en 2.3)
#   margin 0.6    0.947/0.876  0.928/0.837 (0.926/0.853)  0.961/0.906  0.3% 0.0% 0.5% (ja 3.8)
#   margin 0.5    0.945/0.873  0.926/0.833 (0.925/0.853)  0.960/0.905  0.2% 0.1% 0.4% (ja 3.8)
#   margin 0.4    0.945/0.870  0.927/0.833 (0.925/0.846)  0.958/0.900  0.3% 0.1% 0.4% (ja 3.8)
#   margin 0.25   0.948/0.857  0.933/0.824 (0.930/0.825)  0.960/0.884  0.2% 0.1% 0.3% (ja 2.9)
# Fold seed 1 (`--seed 1`): normalised 0.948/0.870, 0.929/0.830, DIR 0.9 %; margin 1
# 0.946/0.875, 0.928/0.834, DIR 1.5 %; 0.75 0.948/0.874, 0.928/0.834, DIR 0.7 %; 0.5
# 0.946/0.866, 0.927/0.828, DIR 0.4 % (ja 3.8): the larger weights' lead is noise there.
# Per language on the grounded part, cross-fitted at the en and zh cuts (`languages
# --grouped`), normalised against margin 0.5: en 0.94/0.86 vs 0.92/0.86, de 0.88/0.75 both,
# ja 0.86/0.69 vs 0.86/0.65, ko 0.92/0.82 vs 0.91/0.79, es 0.94/0.89 vs 0.93/0.88, zh
# 0.90/0.87 vs 0.90/0.89 (1-3 listings each). Grouping took the margin score's lead on the
# grounded part (1.7 points with stratified folds) away: the two read the same there, within
# a fold seed's 2 points; margin 0.5 keeps its third of the directional failures, and the
# larger weights' 1-2 points of recall come with 2-4 times the failures. Kept.
SCORE = "margin"
MARGIN_WEIGHT = 0.5
MONOTONE_FEATURES = (
    "signal:evasion_claim",
    "signal:made_to_order",
    "made_to_order+human_subject",
    "evasion_claim+dangerous>=2",
    "made_to_order+wearable",
    "made_to_order+human_subject+wearable",
    "made_to_order&wearable=0",
    "evasion_claim",
    "evasion_claim&dangerous=0",
)
MIN_LANGUAGE_EXAMPLES = 100
# Raised from 30 to 100 (2026-12, after the round-4 records): at 30-99 a language's cut is
# set by its two or three highest-scoring benign listings; ja (34 dangerous) and ko (40)
# got cuts of 0.77 and 0.94 with cross-validated recall 0.62 and 0.65 on the training split.
MIN_POSITIVES = 100
# ... and as many benign ones (issue #13): a cut at precision 0.95 lets about one benign
# listing in twenty flagged through, 4-5 of them at recall 0.85 with 100 dangerous; with
# fewer of either kind the cut is set by the two or three highest-scoring benign listings
# (with fewer benign ones a language's precision also rests on its own mix), and at 100
# flagged one listing moves the precision by one point. Measured on 3 *grouped* folds (one
# page, story or near-duplicate text in one fold: bench/score_groups.py), every fold read at
# the cuts chosen on the other two (`python bench/score_oof.py run --grouped`, then
# `languages --grouped`; margin 0.5; grounded part P/R, per annotated language on it; the
# languages the model identified, dangerous+benign: en 545+997, zh 550+1042, es 83+85,
# ko 67+117, de 57+117, ja 55+152, ru 54+76, pt 44+75, it 33+66, fr 31+90):
#   own cuts (pos/neg >=)   all        grounded   written    de         es         ja         ko
#   none (one cut)          0.95/0.86  0.93/0.83  0.97/0.89  0.88/0.75  0.93/0.88  0.86/0.65  0.91/0.79
#   en, zh (100/100)        0.94/0.87  0.92/0.83  0.96/0.89  0.88/0.75  0.93/0.88  0.86/0.65  0.91/0.79
#   + es, ko (60/60)        0.95/0.86  0.93/0.82  0.96/0.89  0.88/0.75  0.96/0.84  0.86/0.65  0.92/0.70
#   + de, ja, ru (50/50)    0.95/0.85  0.93/0.79  0.96/0.89  0.93/0.47  0.96/0.84  0.88/0.53  0.92/0.70
#   + fr, it, pt (30/30)    0.94/0.85  0.93/0.79  0.96/0.89  fr 1.00/0.77 -> 0.88/0.77, pt 0.95/0.93 -> 0.95/0.89
# Below 100 a language's own cut costs it 4-28 points of recall (fr: 12 of precision) for a
# point or two of precision, and moves by up to 0.35 between folds (ko; en and zh: 0.05-0.13);
# ru gained on seed 0 (0.98/0.87 -> 0.96/0.93 at 50), not on seed 1 (-> 0.96/0.87). Fold
# seed 1 (`run --grouped --seed 1`): grounded 0.82 (one cut), 0.83 (en, zh), 0.80, 0.78, 0.77
# down the rows. The normalised, temperature and margin 0.25-1 scores read the same. en and zh against one cut: a point of precision for a point
# of recall, within a fold's noise; kept (ample listings, stable cuts).
MIN_NEGATIVES = 100
# The recipe round of 2026-12-06 (bench/recipe_oof.py; 3-fold out-of-fold predictions of the
# training material, signals-2026.12.7; figures on its GROUNDED part, 553 dangerous of 1,717,
# never the dev set or the test split). Flagged-vs-benign precision/recall: "ceiling" = the
# highest grounded recall at grounded precision >= 0.95 with one cut; "all" = at the cuts the
# shipped rule chooses (overall, en, zh on the whole material at 0.95); "written" = the written
# part there; the threshold rules read cross-fitted (cuts chosen without the grounded half
# they are read on):
#   recipe (seed)              ceiling  all            written        g100 (x)       o90 (x)
#   weight 1, C 32, scale 1 (0)  0.758  0.929 / 0.801  0.962 / 0.896  0.955 / 0.694  0.908 / 0.835
#   weight 1 (seed 1)            0.763  0.919 / 0.823  0.965 / 0.893  0.943 / 0.723  0.891 / 0.870
#   weight 2 (0)                 0.776  0.926 / 0.812  0.963 / 0.898  0.951 / 0.709  0.912 / 0.839
#   weight 2 (seed 1)            0.792  0.921 / 0.825  0.965 / 0.892  0.945 / 0.743  0.886 / 0.875
#   weight 3 (0)                 0.758  0.929 / 0.805  0.963 / 0.895  0.953 / 0.696  0.908 / 0.835
#   weight 5 (0)                 0.756  0.934 / 0.816  0.961 / 0.882  0.954 / 0.707  0.910 / 0.843
#   weight 2, C 16 (0)           0.763  0.928 / 0.796  0.964 / 0.885  0.955 / 0.693  0.906 / 0.839
#   weight 2, C 64 (0)           0.761  0.926 / 0.814  0.963 / 0.904  0.952 / 0.714  0.901 / 0.839
#   weight 2, scale 0.5 (0)      0.745  0.930 / 0.814  0.963 / 0.895  0.949 / 0.711  0.906 / 0.837
#   weight 2, scale 2 (0)        0.767  0.925 / 0.803  0.964 / 0.890  0.954 / 0.705  0.912 / 0.841
# Weight 2 (GROUNDED_WEIGHT): +1.8 and +2.9 points of ceiling on both fold seeds, the written part
# unchanged; 3 and 5 no better than 1. C and the concept scale: within a fold seed's noise
# (about 2 points of grounded recall between seeds 0 and 1), kept. Threshold rules, none on:
# - g100 (THRESHOLDS_FROM "grounded": overall and en cut on the grounded part; zh, 98
#   grounded positives, falls back): the only rule at precision 0.95 on real listings, for
#   7-11 points of grounded recall (en 0.80-0.86 -> 0.56-0.65) and written recall 0.90 ->
#   0.72-0.79 (the English cut applies to written English too: the cross-validated floor of
#   0.8 in tests/classifier/test_model.py would fail);
# - per-language cuts for more languages (MIN_GROUNDED_POSITIVES 50: es, ko; 30: de, ja, pt,
#   ru too): cross-fitted, both precision and recall fall (es 0.84-0.85 precision, ja 0.88):
#   25-65 positives set a cut by noise, as MIN_POSITIVES says;
# - the overall cut alone on the grounded part: precision 0.93-0.94, recall -1.7 to -3.5 points,
#   in the languages whose recall (not precision) is short of their target;
# - o90 (FALLBACK_PRECISION 0.90, the target elsewhere, for the languages without their own
#   cut): grounded recall +4 to +5 points, but those languages' precision drops below 0.90
#   on seed 1 (de 0.84, es 0.87-0.88, ja 0.85-0.88).
# How much one grounded training record (a real page, `source_url`) counts against one
# written listing in the fit.
GROUNDED_WEIGHT = 2.0
# Where the flag thresholds are chosen: "all" (the out-of-fold scores of the whole training
# material) or "grounded" (those of its grounded records only: the overall cut when they hold
# at least MIN_POSITIVES dangerous ones, a language's cut when its grounded records number
# MIN_LANGUAGE_EXAMPLES with MIN_GROUNDED_POSITIVES dangerous; else the "all" rule).
THRESHOLDS_FROM = "all"
MIN_GROUNDED_POSITIVES = MIN_POSITIVES
# The target precision of the overall cut, chosen on the languages without a cut of their
# own (None: the training target, on everything).
FALLBACK_PRECISION = None
# Issue #13, session 11: switches for cross-language generalisation, each off (the recipe
# above) until bench/recipe_oof.py says otherwise (figures below `GROUNDED_WEIGHT`'s table).
# A grounded record of language L counts GROUNDED_WEIGHT * min(LANGUAGE_BALANCE_CAP,
# max(1, n_en / n_L) ** LANGUAGE_BALANCE), n the grounded records of the fit by annotated
# language: the languages with few real pages count more (0: every language alike).
LANGUAGE_BALANCE = 0.0
LANGUAGE_BALANCE_CAP = 3.0
# The character n-grams' range and how many of the most frequent ones are kept.
CHAR_NGRAMS = (1, 4)
CHAR_MAX_FEATURES = 80_000
# Each dangerous listing's weight, on top of class_weight="balanced" (1: balanced alone).
DANGEROUS_WEIGHT = 1.0
# Measured (bench/recipe_oof.py run NAME --seed S [flags], then table; 3 grouped folds of the
# training material of session 11: 707 grounded dangerous of 2,213; never the
# dev set or the test split). "ceiling": grounded P/R at the one cut with precision >= 0.95;
# the shipped rule ("all": overall, en, zh cuts at 0.95 on the whole material) read in-sample
# and cross-fitted (x), then the cross-fitted recall by annotated language (dangerous: en 153,
# zh 108, es 81, ko 69, de 61, ja 60, ru 58, pt 47, it 36, fr 34):
#   recipe (seed)                ceiling      all in       all x        written      en   zh   de   es   ja   ko   it   pt   ru
#   shipped (0)                  0.951/0.772  0.937/0.818  0.928/0.825  0.959/0.893  .817 .898 .754 .840 .800 .768 .806 .894 .845
#   LANGUAGE_BALANCE 0.5 (0)     0.950/0.782  0.936/0.810  0.932/0.827  0.959/0.887  .817 .898 .754 .840 .817 .768 .833 .894 .845
#   CHAR_NGRAMS 1-5, no cap (0)  0.951/0.771  0.934/0.815  0.930/0.825  0.959/0.897  .817 .898 .754 .827 .800 .768 .833 .894 .845
#   DANGEROUS_WEIGHT 1.5 (0)     0.951/0.764  0.937/0.819  0.928/0.825  0.956/0.894  .817 .898 .754 .840 .800 .768 .806 .894 .845
#   FROM_PHOTO_WEIGHT 0 (0)      0.950/0.779  0.926/0.846  0.919/0.847  0.962/0.902  .863 .917 .738 .864 .817 .826 .806 .894 .845
#   balance 0.5 + from-photo 0   0.951/0.768  0.927/0.826  0.921/0.843  0.963/0.902  .869 .917 .738 .840 .817 .826 .806 .872 .828
#   shipped (1)                  0.953/0.738  0.937/0.818  0.933/0.829  0.957/0.877  .830 .898 .754 .827 .800 .812 .778 .894 .845
#   LANGUAGE_BALANCE 0.5 (1)     0.952/0.762  0.939/0.812  0.940/0.816  0.957/0.874  .830 .898 .721 .827 .767 .768 .778 .872 .828
#   FROM_PHOTO_WEIGHT 0 (1)      0.951/0.762  0.929/0.801  0.919/0.832  0.963/0.878  .843 .917 .738 .852 .783 .783 .778 .872 .828
# Language balance (cap 3: factors 1.0 en to 2.1 it on this material) and the from-photo
# weight 0 raise the ceiling on both fold seeds (+1.0/+2.4 and +0.7/+2.4 points; the shipped
# recipe's own ceiling moves 3.4 points between seeds), but at the shipped cuts neither moves
# the languages short of their target: balance costs de 2, ja 2, ko 3, pt 1, ru 1 listings on
# seed 1; from-photo 0 lowers the cut (0.70 -> 0.67 on seed 0) for about a point of grounded
# precision and costs de 1 (both seeds), ko 2, ja 1 (seed 1) (and brings back the figurine
# failures FROM_PHOTO_WEIGHT was set for; not measured here). Why from-photo: 41 % of the
# shipped recipe's out-of-fold grounded misses carry the figurine concept against 10 % of its
# hits (wax figures, busts, androids of a real person: 96 grounded custom copies carry it,
# 14 written ones), and the from-photo look-alikes teach figurine words as benign. Character
# 1-5-grams (121k columns kept by min_df 2 against 85k for 1-4, capped at 80k) and a larger
# dangerous weight change nothing beyond noise. None is on.


@dataclass
class TrainResult:
    pipeline: object
    metadata: dict
    evasion_head: EvasionHead | None = None  # saved beside the model (model.save_model)


def build_pipeline(
    seed: int = 0,
    lexicon: str | None = None,
    signals: str | None = None,
    *,
    abstract: bool | None = None,
    keep: bool | None = None,
    interactions: int | None = None,
    whole_lexicon: bool | None = None,
    C: float | None = None,
) -> Pipeline:
    """Normalise → spaCy words + character n-grams (TF-IDF) + policy concepts → calibrated
    linear model.

    The features are those of scikit-learn's TfidfVectorizer (word 1–2-grams of
    spaCy tokens; `char_wb` 1–4-grams) with the vocabulary kept as hashes. Prediction
    does not run this pipeline but its arrays (runtime.py), which it reproduces exactly
    for this shape: a change here must keep `runtime.from_pipeline` accepting it.
    """
    words = Pipeline(
        [
            ("tokens", SpacyTokenizer()),
            (
                "tfidf",
                HashedTfidf(analyzer="word", ngram_range=(1, 2), min_df=2, sublinear_tf=True),
            ),
        ]
    )
    chars = HashedTfidf(
        analyzer="char_wb",
        ngram_range=tuple(CHAR_NGRAMS),
        min_df=2,
        max_features=CHAR_MAX_FEATURES,
        sublinear_tf=True,
    )
    # C and the n-gram ranges were chosen by cross-validation on the training split only.
    linear = LogisticRegression(
        C=C if C is not None else LOGISTIC_C,
        class_weight="balanced",
        max_iter=5000,
        random_state=seed,
    )
    whole = WHOLE_LEXICON if whole_lexicon is None else whole_lexicon
    lexicon = lexicon if lexicon is not None else training_lexicon(read_lexicon(), whole)
    signals = signals if signals is not None else read_patterns()
    concepts = ConceptFeaturizer(
        lexicon=lexicon,
        signals=signals,
        scale=CONCEPT_SCALE,
        interactions=INTERACTIONS if interactions is None else interactions,
    )
    if ABSTRACT if abstract is None else abstract:
        keep = KEEP_WORDS if keep is None else keep
        words.steps.insert(0, ("abstract", ConceptAbstracter(lexicon, signals, keep)))
        chars = Pipeline(
            [("abstract", ConceptAbstracter(lexicon, signals, keep)), ("tfidf", chars)]
        )
    return Pipeline(
        [
            ("normalize", TextNormalizer()),
            (
                "features",
                FeatureUnion([("words", words), ("chars", chars), ("concepts", concepts)]),
            ),
            ("model", CalibratedClassifierCV(linear, method="sigmoid", cv=5, ensemble=False)),
        ]
    )


def recipe_digest(
    seed: int = 0, evasion_head: bool | None = None, synthetic: Sequence[Example] = ()
) -> str:
    """Six hex digits naming the pipeline's settings (n-grams, C, calibration…) and the
    synthetic listings that count in training (augment.py's output, not part of the corpus).

    Part of the model version, so that a model trained on the same corpus with other
    settings, or other synthetic listings, gets another version and stored listings are
    classified again.
    """
    params = build_pipeline(seed).get_params(deep=True)
    flat = sorted(
        (key, repr(value)) for key, value in params.items() if not hasattr(value, "get_params")
    )
    if MONOTONE:
        flat.append(("monotone", repr(MONOTONE_FEATURES)))
    if SCORE != "normalised":
        flat.append(("score", SCORE))
    if SCORE == "margin":
        flat.append(("margin_weight", repr(MARGIN_WEIGHT)))
    if FROM_PHOTO_WEIGHT > 0:
        flat.append(("from_photo_weight", repr(FROM_PHOTO_WEIGHT)))
    if CODE_SWITCH_WEIGHT > 0:
        flat.append(("code_switch_weight", repr(CODE_SWITCH_WEIGHT)))
    if COUNTERFACTUAL_WEIGHT > 0:
        flat.append(("counterfactual_weight", repr(COUNTERFACTUAL_WEIGHT)))
    if MADE_COPY_WEIGHT > 0:
        flat.append(("made_copy_weight", repr(MADE_COPY_WEIGHT)))
    if GROUNDED_WEIGHT != 1.0:
        flat.append(("grounded_weight", repr(GROUNDED_WEIGHT)))
    if LANGUAGE_BALANCE:
        flat.append(("language_balance", repr((LANGUAGE_BALANCE, LANGUAGE_BALANCE_CAP))))
    if DANGEROUS_WEIGHT != 1.0:
        flat.append(("dangerous_weight", repr(DANGEROUS_WEIGHT)))
    if THRESHOLDS_FROM != "all":
        flat.append(("thresholds_from", THRESHOLDS_FROM))
        flat.append(("min_grounded_positives", repr(MIN_GROUNDED_POSITIVES)))
    if FALLBACK_PRECISION:
        flat.append(("fallback_precision", repr(FALLBACK_PRECISION)))
    flat.append(("out_of_fold", "grouped: page, story, near-duplicate text"))
    if EVASION_HEAD if evasion_head is None else evasion_head:
        flat.append(("evasion_head", repr((EVASION_C, EVASION_PRECISION, EVASION_FOLDS))))
    counted = sorted(
        (e.family or "", e.label, e.text) for e in synthetic if synthetic_weight(e) > 0
    )
    if counted:
        flat.append(("synthetic", hashlib.sha256(repr(counted).encode("utf-8")).hexdigest()))
    return hashlib.sha256(repr(flat).encode("utf-8")).hexdigest()[:6]


def choose_threshold(y_flag: np.ndarray, scores: np.ndarray, target_precision: float) -> float:
    """Lowest cut with precision >= target (so the highest recall); else best F1."""
    order = np.argsort(-scores, kind="stable")
    sorted_scores, sorted_truth = scores[order], y_flag[order]
    true_pos = np.cumsum(sorted_truth)
    flagged = np.arange(1, len(scores) + 1)
    precision = true_pos / flagged
    recall = true_pos / max(int(y_flag.sum()), 1)
    # Only cut between distinct scores: a cut flags everything at or above it.
    distinct = np.r_[sorted_scores[1:] != sorted_scores[:-1], True]
    candidates = np.flatnonzero(distinct & (precision >= target_precision))
    if len(candidates):
        best = candidates[np.argmax(recall[candidates])]
    else:
        f1 = np.where(
            precision + recall > 0, 2 * precision * recall / (precision + recall + 1e-12), 0
        )
        best = int(np.argmax(np.where(distinct, f1, -1)))
    return float(sorted_scores[best])


def choose_thresholds(
    y_flag: np.ndarray,
    scores: np.ndarray,
    detected: np.ndarray,
    grounded: np.ndarray,
    target_precision: float,
    source: str | None = None,
    fallback_precision: float | None = None,
) -> tuple[float, dict[str, float]]:
    """The overall cut and the per-language cuts (`choose_threshold` on out-of-fold scores).

    Scores are not equally calibrated across languages: each language (`detected`, as the
    model identifies it) with enough listings gets its own cut. With `source` "grounded"
    (default THRESHOLDS_FROM) the cuts are chosen on the grounded records (`grounded` mask)
    where they hold enough dangerous ones, else on everything as with "all". With
    `fallback_precision` (default FALLBACK_PRECISION) the overall cut is chosen at that
    precision on the listings of the languages without a cut of their own (those it applies
    to), where they hold MIN_POSITIVES dangerous ones.
    """
    source = THRESHOLDS_FROM if source is None else source
    if source not in ("all", "grounded"):
        raise ValueError(f"unknown threshold source {source!r}")
    fallback_precision = FALLBACK_PRECISION if fallback_precision is None else fallback_precision
    from_grounded = source == "grounded"

    def enough(mask: np.ndarray, positives: int, examples: int = 0, negatives: int = 0) -> bool:
        dangerous = y_flag[mask].sum()
        return (
            mask.sum() >= examples
            and dangerous >= positives
            and mask.sum() - dangerous >= negatives
        )

    def cut(mask: np.ndarray, precision: float = target_precision) -> float:
        return choose_threshold(y_flag[mask], scores[mask], precision)

    everything = np.ones(len(scores), dtype=bool)
    overall = grounded if from_grounded and enough(grounded, MIN_POSITIVES) else everything
    thresholds = {}
    for language in language_id.SUPPORTED:
        mine = detected == language
        if from_grounded and enough(
            mine & grounded, MIN_GROUNDED_POSITIVES, MIN_LANGUAGE_EXAMPLES, MIN_NEGATIVES
        ):
            thresholds[language] = round(cut(mine & grounded), 6)
        elif enough(mine, MIN_POSITIVES, MIN_LANGUAGE_EXAMPLES, MIN_NEGATIVES):
            thresholds[language] = round(cut(mine), 6)
    rest = overall & ~np.isin(detected, list(thresholds))
    if fallback_precision and enough(rest, MIN_POSITIVES):
        return cut(rest, fallback_precision), thresholds
    return cut(overall), thresholds


def out_of_fold(
    examples: Sequence[Example],
    seed: int,
    folds: int,
    progress: Progress,
    synthetic: Sequence[Example] = (),
    with_decisions: bool = False,
):
    """Cross-validated one-vs-rest probabilities of the real examples (columns in LABELS
    order; synthetic ones join every fold's training part, never a held-out part); with
    `with_decisions`, also the fold models' raw decisions (same columns)."""
    texts = [e.text for e in examples]
    labels = np.array([e.label for e in examples])
    strata = [f"{e.label}/{language_of(e)}" for e in examples]
    # strata smaller than two listings a fold share one "other language" stratum per label
    sizes = {s: strata.count(s) for s in set(strata)}
    strata = np.array([s if sizes[s] >= 2 * folds else s.split("/")[0] + "/other" for s in strata])
    probabilities = np.zeros((len(examples), len(LABELS)))
    decisions = np.zeros_like(probabilities)
    for fold, (train_idx, test_idx) in enumerate(
        _grouped_folds(examples, strata, labels, folds, seed), start=1
    ):
        progress(f"cross-validation fold {fold}/{folds}")
        pipeline = _fit(
            build_pipeline(seed),
            [texts[i] for i in train_idx],
            list(labels[train_idx]),
            synthetic,
            [examples[i].language for i in train_idx],
            example_weights([examples[i] for i in train_idx]),
        )
        fold_probs, fold_decisions = pipeline_outputs(pipeline, [texts[i] for i in test_idx])
        classes = list(pipeline.classes_)
        for column, label in enumerate(LABELS):
            probabilities[test_idx, column] = fold_probs[:, classes.index(label)]
            decisions[test_idx, column] = fold_decisions[:, classes.index(label)]
    return (probabilities, decisions) if with_decisions else probabilities


def _grouped_folds(examples, strata, labels, folds: int, seed: int) -> list:
    """StratifiedGroupKFold folds in which one page, story or near-duplicate text never
    straddles folds (classifier/folds.py): stratified folds read the cuts on optimistic
    scores (grounded recall 0.847 against 0.833 on grouped scores, bench/score_oof.py). A
    small corpus whose groups leave a fold's training part without a label falls back to
    one group a listing."""
    everything = set(labels.tolist())
    groups = fold_groups(examples)
    if len(set(groups.tolist())) >= folds:
        grouped = grouped_folds(labels, groups, strata, folds, seed)
        if all(set(labels[train].tolist()) == everything for train, _ in grouped):
            return grouped
        logger.warning("grouped folds leave a label out of a fold: one group a listing")
    return grouped_folds(labels, np.arange(len(examples)), strata, folds, seed)


def _fit(
    pipeline: Pipeline,
    texts: list[str],
    labels: list[str],
    synthetic: Sequence[Example],
    languages: Sequence[str] | None = None,
    real_weights: Sequence[float] | None = None,
):
    """Fit on real listings (`real_weights` each, else 1), synthetic ones (`synthetic_weight`
    each) and, with `languages`, code-switched copies of the non-English ones
    (CODE_SWITCH_WEIGHT each), then hold the directional cues' weights to their signs
    (`monotone`)."""
    own = np.ones(len(texts)) if real_weights is None else np.asarray(real_weights, float)
    weights = None if np.all(own == 1.0) else own
    used = [(e.text, e.label, synthetic_weight(e)) for e in synthetic]
    if languages is not None and CODE_SWITCH_WEIGHT > 0:
        used += [
            (text, labels[index], CODE_SWITCH_WEIGHT)
            for index, text in code_switched(texts, list(languages))
        ]
    if languages is not None and MADE_COPY_WEIGHT > 0:
        used += [
            (text, "custom_face_copy", MADE_COPY_WEIGHT)
            for _, text in made_to_order_copies(texts, list(labels), list(languages))
        ]
    used = [(t, label, w) for t, label, w in used if w > 0]
    if used:
        weights = np.r_[own, [w for _, _, w in used]]
        texts = texts + [t for t, _, _ in used]
        labels = labels + [label for _, label, _ in used]
    y = np.array(labels)
    if DANGEROUS_WEIGHT != 1.0:
        weights = np.where(y != "benign", DANGEROUS_WEIGHT, 1.0) * (
            np.ones(len(y)) if weights is None else weights
        )
    # the pipeline's own fit, in two steps so that the features are at hand for `monotone`
    features = pipeline[:-1].fit_transform(texts, y)
    pipeline[-1].fit(features, y, **({"sample_weight": weights} if weights is not None else {}))
    if MONOTONE:
        monotone(pipeline, features, y, weights)
    return pipeline


def example_weight(example: Example) -> float:
    """How much one training listing counts in the fit: GROUNDED_WEIGHT for a grounded
    record (it has a `source_url`), 1 for a written or reviewed one."""
    return GROUNDED_WEIGHT if example.source_url else 1.0


def example_weights(examples: Sequence[Example]) -> list[float]:
    """`example_weight` of each listing of one fit, a grounded record's times its language's
    balance (LANGUAGE_BALANCE, counted on the grounded records of `examples`)."""
    weights = [example_weight(e) for e in examples]
    if not LANGUAGE_BALANCE:
        return weights
    languages = [language_of(e) if e.source_url else None for e in examples]
    counts = Counter(language for language in languages if language is not None)
    reference = counts.get("en", max(counts.values(), default=1))
    factor = {
        language: min(LANGUAGE_BALANCE_CAP, max(1.0, reference / n) ** LANGUAGE_BALANCE)
        for language, n in counts.items()
    }
    return [
        w if language is None else w * factor[language]
        for w, language in zip(weights, languages, strict=True)
    ]


def synthetic_weight(example: Example) -> float:
    """How much one synthetic listing counts against a real one (by its augment.py family)."""
    return {
        "augmented-from-photo": FROM_PHOTO_WEIGHT,
        "augmented-counterfactual": COUNTERFACTUAL_WEIGHT,
    }.get(example.family, SYNTHETIC_WEIGHT)


def monotone_columns(pipeline: Pipeline) -> np.ndarray:
    """The columns of the model's input that only a directional cue switches on."""
    concepts = dict(pipeline.named_steps["features"].transformer_list)["concepts"]
    matcher, _ = matchers(concepts.lexicon, concepts.signals)
    names = feature_names(matcher, concepts.interactions)
    return np.array([names.index(n) - len(names) for n in MONOTONE_FEATURES if n in names], int)


def monotone(pipeline: Pipeline, features, y: np.ndarray, weights: np.ndarray | None) -> None:
    """Refit each calibrated classifier's logistic regression (same loss, L2 penalty and class
    weights) with the weights of `MONOTONE_FEATURES` held at <= 0 for benign and >= 0 for
    both dangerous labels, from the unconstrained solution. Adding an evasion claim or a
    made-to-order phrase then raises no benign decision and lowers neither dangerous one
    through those features, so the score (runtime.danger: 1 - the benign calibrator's
    probability) cannot drop through them. The sigmoid calibrators stay as fitted."""
    columns = monotone_columns(pipeline) + features.shape[1]
    for calibrated in pipeline.named_steps["model"].calibrated_classifiers_:
        estimator = calibrated.estimator
        classes = list(estimator.classes_)
        lower = np.full(estimator.coef_.shape, -np.inf)
        upper = np.full(estimator.coef_.shape, np.inf)
        for row, label in enumerate(classes):
            if label == "benign":
                upper[row, columns] = 0.0
            else:
                lower[row, columns] = 0.0
        coef, intercept = constrained_logistic(
            features, y, classes, estimator.coef_, estimator.intercept_, estimator.C,
            lower, upper, weights,
        )  # fmt: skip
        estimator.coef_ = np.ascontiguousarray(coef, dtype=estimator.coef_.dtype)
        estimator.intercept_ = np.ascontiguousarray(intercept, dtype=estimator.intercept_.dtype)


def constrained_logistic(X, y, classes, coef, intercept, C, lower, upper, weights=None):
    """Multinomial logistic regression with bounds on the coefficients (L-BFGS-B): the
    objective of scikit-learn's LogisticRegression with class_weight="balanced" (weighted
    log-loss times C plus half the squared norm of the coefficients; intercepts free)."""
    k, d = coef.shape
    Y = (np.asarray(y)[:, None] == np.array(classes)[None, :]).astype(np.float64)
    sw = (len(y) / (k * Y.sum(axis=0)))[Y.argmax(axis=1)]
    if weights is not None:
        sw = sw * weights
    X = sp.csr_matrix(X, dtype=np.float64)
    Xt = X.T.tocsr()

    def loss(w):
        W, b = w[: k * d].reshape(k, d), w[k * d :]
        Z = np.asarray(X @ W.T) + b
        Z -= Z.max(axis=1, keepdims=True)
        log_norm = np.log(np.exp(Z).sum(axis=1))
        P = np.exp(Z - log_norm[:, None])
        value = C * np.sum(sw * (log_norm - (Z * Y).sum(axis=1))) + 0.5 * np.sum(W * W)
        G = C * (P - Y) * sw[:, None]
        return value, np.r_[(np.asarray(Xt @ G).T + W).ravel(), G.sum(axis=0)]

    lo = np.r_[lower.ravel(), np.full(k, -np.inf)]
    hi = np.r_[upper.ravel(), np.full(k, np.inf)]
    start = np.clip(np.r_[np.asarray(coef, dtype=np.float64).ravel(), intercept], lo, hi)
    result = optimize.minimize(
        loss, start, jac=True, method="L-BFGS-B", bounds=optimize.Bounds(lo, hi),
        options={"maxiter": 2000},
    )  # fmt: skip
    return result.x[: k * d].reshape(k, d), result.x[k * d :]


def fit_score(
    score: str,
    one_vs_rest: np.ndarray,
    decisions: np.ndarray,
    truth: Sequence[str],
    weight: float | None = None,
) -> dict | None:
    """The calibrator of a CALIBRATED score (runtime.calibrated_score): expit(a * margin + b)
    with margin = runtime.dangerous_margin(decisions, weight) (default MARGIN_WEIGHT), fitted
    by log-loss, flagged against benign, on out-of-fold raw decisions of the training split
    (columns in LABELS order); None for the kinds without one (`one_vs_rest` is not read
    by "margin": the signature is the score's, whatever it is made of)."""
    if score not in CALIBRATED:
        return None
    weight = MARGIN_WEIGHT if weight is None else weight
    quantity = dangerous_margin(decisions, list(LABELS), weight)
    y = np.array([label != "benign" for label in truth], dtype=float)

    def loss(theta):
        z = theta[0] * quantity + theta[1]
        p = np.exp(-np.logaddexp(0.0, -z))  # expit(z), stably
        value = np.sum(np.logaddexp(0.0, z) - y * z)
        return value, np.array([np.sum((p - y) * quantity), np.sum(p - y)])

    a, b = optimize.minimize(loss, np.array([1.0, 0.0]), jac=True, method="L-BFGS-B").x
    return {"a": float(a), "b": float(b), "weight": float(weight)}


def decide(
    one_vs_rest: np.ndarray,
    thresholds: Sequence[float],
    decisions: np.ndarray | None = None,
    calibration: dict | None = None,
) -> list[str]:
    """Labels from one-vs-rest probabilities (columns in LABELS order; with raw `decisions`
    and the score's `calibration` for a calibrated score) the way Model.predict decides them
    (one threshold a row)."""
    scores, per_label = danger(one_vs_rest, list(LABELS), SCORE, decisions, calibration)
    dangerous = [i for i, label in enumerate(LABELS) if label != "benign"]
    out = []
    for score, row, threshold in zip(scores, per_label, thresholds, strict=True):
        if score >= threshold:
            out.append(LABELS[max(dangerous, key=lambda i: row[i])])
        else:
            out.append("benign")
    return out


def train(
    examples: Sequence[Example],
    *,
    test_examples: Sequence[Example] = (),
    dev_examples: Sequence[Example] = (),
    synthetic: Sequence[Example] = (),
    corpus_sha256: str,
    seed: int = 0,
    folds: int = 5,
    target_precision: float = 0.95,
    matcher: SignalMatcher | None = None,
    progress: Progress = lambda message: None,
    evasion_head: bool | None = None,
) -> TrainResult:
    matcher = matcher or default_matcher()
    probabilities, decisions = out_of_fold(
        examples, seed, folds, progress, synthetic, with_decisions=True
    )
    truth = [e.label for e in examples]
    languages = [language_of(e) for e in examples]
    # the score's own calibrator (if it has one), fitted on the out-of-fold predictions
    calibration = fit_score(SCORE, probabilities, decisions, truth)
    scores, _ = danger(probabilities, list(LABELS), SCORE, decisions, calibration)
    y_flag = np.array([label != "benign" for label in truth])
    # languages as the model identifies them at prediction time
    detected = np.array(language_id.identify([normalize(e.text) for e in examples]))
    grounded = np.array([bool(e.source_url) for e in examples])
    threshold, thresholds = choose_thresholds(y_flag, scores, detected, grounded, target_precision)
    predicted = decide(
        probabilities, [thresholds.get(x, threshold) for x in detected], decisions, calibration
    )

    progress("fitting the final model on the training split")
    pipeline = _fit(
        build_pipeline(seed),
        [e.text for e in examples],
        truth,
        synthetic,
        languages=[e.language for e in examples],
        real_weights=example_weights(examples),
    )
    with_head = EVASION_HEAD if evasion_head is None else evasion_head
    version = f"lr-{corpus_sha256[:10]}-{recipe_digest(seed, with_head, synthetic)}-s{seed}"
    metadata = {
        "model_version": version,
        "score": SCORE,
        **({"score_calibration": calibration} if calibration is not None else {}),
        "threshold": round(threshold, 6),
        "thresholds": thresholds,
        "thresholds_by": "language",
        "thresholds_from": THRESHOLDS_FROM,
        "fallback_precision": FALLBACK_PRECISION,
        "target_precision": target_precision,
        "labels": list(LABELS),
        "corpus_sha256": corpus_sha256,
        "corpus_size": len(examples) + len(test_examples),
        "train_size": len(examples),
        "test_size": len(test_examples),
        "dev_size": len(dev_examples),
        "grounded_train": sum(1 for e in examples if e.source_url),
        "synthetic_train": sum(synthetic_weight(e) > 0 for e in synthetic),
        "synthetic_weight": SYNTHETIC_WEIGHT if synthetic else 0,
        "from_photo_weight": FROM_PHOTO_WEIGHT if synthetic else 0,
        "counterfactual_weight": COUNTERFACTUAL_WEIGHT if synthetic else 0,
        "made_copy_weight": MADE_COPY_WEIGHT,
        "code_switch_weight": CODE_SWITCH_WEIGHT,
        "grounded_weight": GROUNDED_WEIGHT,
        "corpus_by_language": {
            lang: sum(e.language == lang for e in (*examples, *test_examples))
            for lang in sorted({e.language for e in (*examples, *test_examples)})
        },
        "lexicon_version": f"{matcher.version}+{read_lexicon()['version']}",
        "concept_abstraction": (
            ("mark before each word" if KEEP_WORDS else "mark instead of each word")
            if ABSTRACT
            else False
        ),
        "concept_interactions": INTERACTIONS,
        "monotone_features": list(MONOTONE_FEATURES) if MONOTONE else [],
        "whole_lexicon": WHOLE_LEXICON,
        "seed": seed,
        "folds": folds,
        "trained_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "sklearn_version": sklearn.__version__,
        "cross_validation": {
            "labels": label_metrics(truth, predicted),
            "flagged": binary_metrics(truth, predicted, languages),
            "signals": signal_metrics(examples, matcher),
        },
    }
    model = Model.from_pipeline(pipeline, metadata)
    head = attach_evasion_head(model, examples, matcher, seed, progress) if with_head else None
    if test_examples:
        progress(f"evaluating on the held-out test split ({len(test_examples)} listings)")
        metadata["test"] = evaluate_model(model, test_examples)
    if dev_examples:
        progress(f"evaluating on the real-grounded dev set ({len(dev_examples)} listings)")
        metadata["dev"] = evaluate_model(model, dev_examples)
    from maskscreen.classifier.behaviour import generate, run

    progress("behavioural tests on held-out lexicon words")
    metadata["behaviour"] = run(model, generate())
    return TrainResult(pipeline=pipeline, metadata=metadata, evasion_head=head)


# --- the learned evasion head (evasion_head.py) ---------------------------------------------
# A second linear head on the model's own feature rows (less the concept step's
# evasion-pattern features: evasion_head.PATTERN_FEATURES), fitted on the evasion_claim marks
# of the training records; the verdict's signal is patterns OR head >= its cut, the lowest
# cut whose grouped out-of-fold precision of the head alone is EVASION_PRECISION
# (StratifiedGroupKFold: groups a grounded record's page or a written record, strata the mark
# and the language). Not the union's precision: the patterns were written from these records
# (in-sample P 0.939 R 0.968), so a union's cut would read their in-sample precision.
# bench/evasion_head_cv.py (nested: feature steps fitted per outer fold, cut chosen on inner
# folds; 4,336 listings, 745 marked), grounded part, head alone / patterns OR head:
#   C   target   head alone      patterns OR head   (patterns alone 0.934 / 0.955, in-sample)
#   4   0.85     0.844 / 0.658   0.839 / 0.970
#   4   0.90     0.882 / 0.567   0.873 / 0.970
#   4   0.95     0.929 / 0.396   0.908 / 0.965
#   16  0.90     0.875 / 0.608   0.865 / 0.970
#   16  0.95     0.931 / 0.437   0.907 / 0.965   (chosen)
# With the pattern features the head leans on them (cut 0.03-0.09 at 0.90, R 0.957 = the
# patterns'). On this material the union can only show the cost of the head (the patterns
# find 97 % of its claims in-sample); the target it serves is the dev set's recall, where the
# patterns miss 28 % (docs/model.md): hence the head's own precision at 0.95, not 0.90.
# Off by default (lead, session 9): on the training material the union gave up 2.7 points of
# precision for 1 of recall (the patterns' figures there are in-sample), and on the 152
# training-side records of grounded round 14, written after every pattern and never used to
# write one, patterns alone and patterns OR head flagged the same listings (P 0.900 R 0.818,
# 22 marks); `maskscreen train --evasion-head` fits one.
EVASION_HEAD = False
EVASION_C = 16.0
EVASION_PRECISION = 0.95
EVASION_FOLDS = 5


def attach_evasion_head(
    model: Model, examples: Sequence[Example], matcher: SignalMatcher, seed: int, progress: Progress
) -> EvasionHead | None:
    """fit_evasion_head for a model fitted on `examples`, set on it and recorded in its
    metadata (the head's figures under cross_validation; the head itself, if any)."""
    head, figures = fit_evasion_head(model.runtime, examples, matcher, seed, progress)
    model.metadata["cross_validation"]["evasion_head"] = figures
    if head is not None:
        model.metadata["evasion_head"] = head_record(head)
    model.evasion_head = head
    return head


def fit_evasion_head(
    runtime,
    examples: Sequence[Example],
    matcher: SignalMatcher,
    seed: int,
    progress: Progress,
) -> tuple[EvasionHead | None, dict]:
    """The evasion head of a fitted model (its `runtime`) and its grouped cross-validated
    figures (the patterns alone and patterns OR head, out of fold); no head where no cut
    keeps the precision target. Reviewed listings are left out: their marks are the
    verdicts' own signals, not annotation.

    The rows are the final model's (its vocabularies fitted on all of `examples`): the
    held-out fold's n-grams get no weight from a head that never saw them, only their idf
    was counted with them."""
    from maskscreen.classifier import evasion_head as eh

    used = [e for e in examples if e.family != "review"]
    if not used:
        return None, {}
    progress(f"evasion head: grouped cross-validation ({EVASION_FOLDS} folds)")
    y = np.array([bool(e.signals.get("evasion_claim")) for e in used])
    matrix = runtime.featurize([e.text for e in used]).matrix
    blind = (
        eh.pattern_columns(
            runtime.concepts.matchers()[0], runtime.concepts.interactions, matrix.shape[1]
        )
        if runtime.concepts is not None
        else np.array([], int)
    )
    matrix = eh.pattern_blind(matrix, blind)  # the head reads no evasion-pattern feature
    patterns = np.array(
        [matcher.flags(matcher.find(normalize(e.text)))["evasion_claim"] for e in used]
    )
    groups, strata = eh.groups_and_strata(used)
    scores = eh.out_of_fold_scores(matrix, y, None, groups, strata, EVASION_FOLDS, EVASION_C, seed)
    # the head's own precision: the union's would read the patterns' in-sample precision
    cut = eh.choose_threshold(y, scores, np.zeros_like(patterns), EVASION_PRECISION)
    grounded = np.array([bool(e.source_url) for e in used])
    head_hits = scores >= (cut if cut is not None else np.inf)
    union = patterns | head_hits

    def figures(pred: np.ndarray) -> dict:
        return {
            part: _prf(
                int(np.sum(y[mask] & pred[mask])),
                int(np.sum(~y[mask] & pred[mask])),
                int(np.sum(y[mask] & ~pred[mask])),
            )
            for part, mask in (("all", np.ones(len(y), bool)), ("grounded", grounded))
        }

    record = {
        "cut": None if cut is None else round(cut, 6),
        "precision_target": EVASION_PRECISION,
        "folds": EVASION_FOLDS,
        "C": EVASION_C,
        "patterns": figures(patterns),
        "head": figures(head_hits),
        "patterns_or_head": figures(union),
    }
    if cut is None:
        return None, record
    progress("evasion head: fitting on the training split")
    coef, intercept = eh.fit_weights(matrix, y, None, EVASION_C, seed)
    coef[blind] = 0.0
    return EvasionHead(coef=coef, intercept=intercept, threshold=round(cut, 6)), record


def head_record(head: EvasionHead) -> dict:
    """metrics.json's entry of a model's evasion head (model.load_model checks the digest)."""
    return {"rule": head.rule, "threshold": head.threshold, "sha256": head.digest()}


def training_material() -> list[Example]:
    """What `maskscreen train` trains on: the written corpus minus its test split and the
    grounded records minus the dev set (borderline ones in neither)."""
    from maskscreen.classifier.corpus import load_corpus
    from maskscreen.classifier.grounded import grounded_split, load_grounded
    from maskscreen.classifier.split import load_test_ids, split

    written, _ = split(load_corpus(), load_test_ids())
    grounded, _ = grounded_split(load_grounded())
    return [*written, *grounded]


def signal_figures(
    examples: Sequence[Example], matcher: SignalMatcher, signal: str = "evasion_claim"
) -> dict[str, dict]:
    """Precision and recall of one signal's patterns against the records' annotation,
    overall ("all"), on the grounded records ("grounded") and by language."""
    parts: dict[str, list[Example]] = {"all": list(examples)}
    parts["grounded"] = [e for e in examples if e.source_url]
    for example in examples:
        parts.setdefault(example.language, []).append(example)
    return {name: signal_metrics(part, matcher)[signal] for name, part in parts.items()}


def main() -> None:
    """`python -m maskscreen.classifier.train [PATTERN_FILE]`: the evasion patterns'
    precision and recall on the training material (never the dev set or the test split)."""
    import sys

    matcher = SignalMatcher.from_file(sys.argv[1] if len(sys.argv) > 1 else None)
    print(matcher.version)  # noqa: T201
    for name, row in signal_figures(training_material(), matcher).items():
        print(  # noqa: T201
            f"{name:9} P {row['precision']:.3f} R {row['recall']:.3f} (support {row['support']})"
        )


if __name__ == "__main__":
    main()
