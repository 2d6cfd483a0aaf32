'use strict';
require('./queue').defineQueueSuite('1.123.81');
