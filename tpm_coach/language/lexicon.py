"""The word lists behind the text measures, one list per idea, written as plain words so they read as data.

Every list is lower-case with straight apostrophes, the form `tokens.words` produces.
"""

from __future__ import annotations


def wordlist(words: str) -> tuple[str, ...]:
    """Whitespace-separated words, in order."""
    return tuple(words.split())


def wordset(words: str) -> frozenset[str]:
    return frozenset(wordlist(words))


# -- fillers -----------------------------------------------------------------------------------------
# Sounds (and "basically") that are fillers wherever they occur: each line is the label, then other spellings.
FILLER_SOUNDS = """
um umm ummm uhm
uh uhh
er erm
ah ahh
hmm hm mm mhm
basically
"""
# "you know" has an object, so is not a filler, after these words ("do you know", "if you know") ...
YOU_KNOW_NOT_AFTER = wordset(
    "do did does don't didn't doesn't if as what how would could should will can might let whether you'd i we"
)
# ... or when directly followed by one of these ("you know what broke", "you know the plan").
OBJECT_WORDS = wordset(
    """what how why where when who whether if that the a an about it him her them me us this these those my your
    our their his its everything everyone something someone"""
)
# "I mean" is the verb when followed by these ("I mean it") or after these ("what I mean is").
I_MEAN_VERB_AFTER = wordset("it that this to what business well them you him her")
I_MEAN_VERB_BEFORE = wordset("what that which do did don't didn't")
# "kind of" / "sort of" name a kind after these ("a kind of", "what sort of").
KIND_NOUN_BEFORE = wordset(
    """a an the this that these those what which any some every one same each no different right wrong new
    other another particular certain first only whatever all many two three several of that's it's"""
)
# "like" is a verb after these ("I'd like", "we like", "don't like") ...
LIKE_VERB_BEFORE = wordset(
    """i you we they he she people who would i'd you'd we'd they'd he'd she'd do does did don't doesn't didn't to
    really also might may will i'll we'll not always never customers users everyone nobody somebody"""
)
# ... and a comparison after these ("looks like", "something like", "just like").
LIKE_COMPARISON_BEFORE = wordset(
    """look looks looked looking seem seems seemed sound sounds sounded feel feels felt feeling something anything
    nothing everything just much more less exactly things stuff act acts acted behave behaves treat treated
    treats lot little someone somebody anyone tasted smells smelled"""
)
# "like this", "like them": a preposition with its object.
LIKE_OBJECT_AFTER = wordset(
    "this that these those it him her them me us you a an the my our your their his what how when"
)
# "was like, no" quotes; forms of "to be" before "like".
BE_FORMS = wordset("is was were are be been being i'm he's she's it's they're we're you're that's am")

# -- hedges ------------------------------------------------------------------------------------------
# Written as a listener hears them; the longest phrase wins, so "I'm not sure" is one hedge, not two.
HEDGE_PHRASES = (
    "I'm not sure",
    "I am not sure",
    "I don't know",
    "I do not know",
    "not sure",
    "more or less",
    "I feel like",
    "I think",
    "I guess",
    "I believe",
    "I suppose",
    "maybe",
    "perhaps",
    "probably",
    "possibly",
    "hopefully",
    "somewhat",
)

# -- numbers -----------------------------------------------------------------------------------------
ONES = wordlist(
    """zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen
    seventeen eighteen nineteen"""
)
TENS = ("", "", *wordlist("twenty thirty forty fifty sixty seventy eighty ninety"))
SCALES = ((10**9, "billion"), (10**6, "million"), (1000, "thousand"), (100, "hundred"))
FRACTIONS = wordset("half quarter dozen")
NUMBER_WORDS = frozenset(ONES) | frozenset(TENS[2:]) | frozenset(name for _, name in SCALES) | FRACTIONS

# -- grammar words -----------------------------------------------------------------------------------
# Articles, pronouns, prepositions and auxiliaries, apostrophes dropped (the form `tokens.normalised` gives):
# an answer made of sentences has many, a list of terms almost none, and an answer in another language none.
FUNCTION_WORDS = wordset(
    """a about above after again against all am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has have
    having he her here hers him his how i if in into is it its itself just me more most my no nor not now
    of off on once only or other our ours out over own same she should so some such than that the their
    theirs them then there these they this those through to too under until up very was we were what when
    where which while who whom why will with would you your yours us also next every one ill id ive im
    weve wed its thats whats lets dont didnt wasnt werent cant couldnt wouldnt shouldnt isnt arent"""
)
