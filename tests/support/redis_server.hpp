#pragma once
// Placeholder: the store part provides a real redis-server fixture here.
