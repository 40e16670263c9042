from ninja.security import HttpBearer

from .models import ApiToken

# A token is 43 characters (token_urlsafe(32)); anything much longer is not one.
LONGEST_TOKEN = 200


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <token>``: the request acts for the token's account, with
    that account's scope; a revoked token or an inactive account is refused (401)."""

    def authenticate(self, request, token):
        if not token or len(token) > LONGEST_TOKEN:
            return None
        return ApiToken.objects.user_for(token)
