"""Topics and votes: suggesting, voting, withdrawing, the discussed history and the seed file."""
