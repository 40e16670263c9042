from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission

from hoagiai.caching import cached


class CachedModelBackend(ModelBackend):
    """Django's ModelBackend, a user's permissions read once and then kept in the cache.

    Every page's menu asks for permissions (``perms`` in the base template), which costs
    ModelBackend two queries a request. The set is dropped when a permission, a group, a
    group's permissions or the user's groups or own permissions change (hoagiai/caching.py).
    """

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            user_obj._perm_cache = cached(
                f"permissions:{user_obj.pk}:{user_obj.is_superuser}",
                [
                    Permission,
                    Group,
                    Group.permissions.through,
                    user_obj.groups.through,
                    user_obj.user_permissions.through,
                ],
                lambda: super(CachedModelBackend, self).get_all_permissions(user_obj),
            )
        return user_obj._perm_cache
