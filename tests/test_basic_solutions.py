def test_solve_exact_solves_square_systems_and_says_when_singular():
    from fractions import Fraction as F

    from dlncheck.numerics.basic_solutions import solve_exact

    assert solve_exact([[F(2), F(1)], [F(1), F(3)]], [F(3), F(5)]) == [F(4, 5), F(7, 5)]
    assert solve_exact([[F(1), F(2)], [F(2), F(4)]], [F(1), F(2)]) is None
