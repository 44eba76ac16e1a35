enum ScoringPlaceholder {}
