#version 130
// Water: a gentle swell moves the grid; the fragment shader adds the ripples.
// The two long travelling waves (metres long, longer than a cell of the grid), the
// body's light and the fog's optical depth are worked out here, per vertex.
#include "common.glsl"
uniform mat4 p3d_ModelViewProjectionMatrix;
uniform mat4 p3d_ModelMatrix;
uniform mat4 p3d_ViewMatrixInverse;
uniform vec4 p3d_ColorScale;
uniform float u_time;
uniform vec4 u_water;   // x: waves 0..1
in vec4 p3d_Vertex;
in vec4 p3d_Color;
out vec3 v_world;
out vec3 v_cam;
out vec3 v_body;        // the water's own colour, lit
out vec2 v_waves;       // slope of the travelling waves, scaled like the ripples
out float v_ripple;     // scale of the ripple texture's slope here (fades with distance)
out float v_fog;

void main() {
    vec4 p = p3d_Vertex;
    vec3 w = (p3d_ModelMatrix * p).xyz;
    float t = u_time;
    float a = 0.12 * u_water.x;
    p.z += a * (sin(w.x * 0.21 + t * 0.9) * 0.6 + sin(w.y * 0.17 - t * 0.7 + w.x * 0.05) * 0.4);
    gl_Position = p3d_ModelViewProjectionMatrix * p;
    v_world = (p3d_ModelMatrix * p).xyz;
    v_cam = p3d_ViewMatrixInverse[3].xyz;
    // ripples fade with distance (they are below a pixel there) to avoid shimmering
    float dist = length(v_cam - v_world);
    float strength = 0.6 * (0.03 + 0.45 * u_water.x) / (1.0 + dist * 0.02);
    vec2 q = v_world.xy;
    vec2 waves = 0.25 * vec2(0.35, 0.2) * cos(dot(q, vec2(0.35, 0.2)) - t * 1.3) * 4.0
               + 0.2 * vec2(-0.14, 0.41) * cos(dot(q, vec2(-0.14, 0.41)) - t * 1.1) * 4.0;
    v_waves = waves * strength;
    v_ripple = strength;
    vec3 c = p3d_Color.rgb;
    v_body = c * p3d_ColorScale.rgb * (u_ambient * 0.9 + u_sun_color * max(u_sun_dir.z, 0.0) * 0.6)
           + c * lamp_light(v_world, vec3(0.0, 0.0, 1.0), 0.0) * 0.6;
    v_fog = fog_depth(v_cam, v_world);
}
