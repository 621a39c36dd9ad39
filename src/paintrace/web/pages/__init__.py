"""The pages a person uses: the body map, the interview and the result.

Views stay thin: every clinical answer comes from :mod:`paintrace.assessment`; this package only
turns requests into contract input, keeps the interview's answers in the session, and renders.
"""
